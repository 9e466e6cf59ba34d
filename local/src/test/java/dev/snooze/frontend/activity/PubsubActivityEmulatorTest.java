package dev.snooze.frontend.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.snooze.frontend.activity.ActivitySignal.InFlight;
import dev.snooze.frontend.config.FrontendConfig;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.network.RefusedPort;
import dev.snooze.logging.JsonLog;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real Publisher against Google's Pub/Sub emulator, read back through a pull subscription. */
@ExtendWith(SharedEmulators.class)
class PubsubActivityEmulatorTest {
  private static final String PROJECT = SharedEmulators.PROJECT;
  private static final AtomicInteger NEXT = new AtomicInteger();

  private static String host;
  private static ManagedChannel channel;
  private static SubscriptionAdminClient subscriptions;
  private static PubsubEmulatorAdmin admin;

  @BeforeAll
  static void connect(LocalEmulators emulators) throws IOException {
    host = emulators.pubsubHost();
    admin = new PubsubEmulatorAdmin(host, PROJECT);
    channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();
    subscriptions = SubscriptionAdminClient.create(
        SubscriptionAdminSettings.newBuilder()
            .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build());
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    if (subscriptions != null) {
      subscriptions.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** A fresh topic with a pull subscription; returns the subscription. */
  private static SubscriptionName topicWithSubscription(String topic) {
    admin.createTopic(topic);
    SubscriptionName subscription = SubscriptionName.of(PROJECT, topic + "-pull");
    subscriptions.createSubscription(subscription, TopicName.of(PROJECT, topic), PushConfig.getDefaultInstance(), 10);
    return subscription;
  }

  private static FrontendConfig config(String topic, String emulatorHost) {
    return FrontendConfig.fromEnv(Map.of(
        "SNOOZE_BACKEND_URL", "http://127.0.0.1:9",
        "SNOOZE_PROJECT", PROJECT,
        "SNOOZE_TOPIC", topic,
        "PUBSUB_EMULATOR_HOST", emulatorHost,
        "SNOOZE_INSTANCE_ID", "it-frontend",
        "SNOOZE_HEARTBEAT_INTERVAL", "1"));
  }

  @SuppressWarnings("deprecation") // returnImmediately: no long poll, awaitility polls instead
  private static void pullInto(SubscriptionName subscription, List<PubsubMessage> received) {
    List<ReceivedMessage> batch = subscriptions.pull(PullRequest.newBuilder()
        .setSubscription(subscription.toString()).setMaxMessages(10).setReturnImmediately(true).build())
        .getReceivedMessagesList();
    if (!batch.isEmpty()) {
      batch.forEach(m -> received.add(m.getMessage()));
      subscriptions.acknowledge(subscription, batch.stream().map(ReceivedMessage::getAckId).toList());
    }
  }

  private static JsonObject json(PubsubMessage message) {
    return JsonParser.parseString(message.getData().toStringUtf8()).getAsJsonObject();
  }

  @Test
  void aRequestWhileAsleepArrivesAsSchemaVersion1Json() {
    String topic = "activity-it-" + NEXT.incrementAndGet();
    SubscriptionName subscription = topicWithSubscription(topic);
    List<PubsubMessage> received = new CopyOnWriteArrayList<>();

    try (PubsubActivity activity = PubsubActivity.start(config(topic, host).activity())) {
      InFlight request = activity.begin(true);
      request.close();

      await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(30)).until(() -> {
        pullInto(subscription, received);
        return !received.isEmpty();
      });
      assertThat(activity.sent()).isEqualTo(1);
    }
    PubsubMessage message = received.get(0);
    assertThat(message.getAttributesMap()).containsExactlyEntriesOf(Map.of("source", "it-frontend"));
    JsonObject body = json(message);
    assertThat(body.get("schemaVersion").getAsInt()).isEqualTo(1);
    assertThat(body.get("source").getAsString()).isEqualTo("it-frontend");
    assertThat(body.get("kind").getAsString()).isEqualTo("request");
    assertThat(body.get("inFlight").getAsInt()).isEqualTo(1);
    assertThat(body.keySet()).containsExactly("schemaVersion", "source", "kind", "inFlight");
  }

  @Test
  void heartbeatsArriveDuringALongRequest() {
    String topic = "activity-it-" + NEXT.incrementAndGet();
    SubscriptionName subscription = topicWithSubscription(topic);
    List<PubsubMessage> received = new CopyOnWriteArrayList<>();

    try (PubsubActivity activity = PubsubActivity.start(config(topic, host).activity())) {
      InFlight stream = activity.begin(false);
      InFlight second = activity.begin(false);
      await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(30)).until(() -> {
        pullInto(subscription, received);
        return received.stream().anyMatch(m -> json(m).get("kind").getAsString().equals("heartbeat"));
      });
      second.close();
      stream.close();
    }
    // Pub/Sub does not keep order: the requests and the heartbeat may arrive in any order. The second
    // request doubles what the first reported: a burst, published at once.
    assertThat(received).extracting(m -> json(m).get("kind").getAsString()).containsOnly("request", "heartbeat");
    assertThat(received).filteredOn(m -> json(m).get("kind").getAsString().equals("request"))
        .extracting(m -> json(m).get("inFlight").getAsInt()).containsExactlyInAnyOrder(1, 2);
    assertThat(received).filteredOn(m -> json(m).get("kind").getAsString().equals("heartbeat"))
        .allSatisfy(m -> {
          assertThat(json(m).get("inFlight").getAsInt()).isEqualTo(2);
          assertThat(m.getAttributesMap()).containsEntry("source", "it-frontend");
        });
  }

  @Test
  void anUnreachablePubsubNeverBlocksNorThrows() throws IOException {
    try (RefusedPort dead = RefusedPort.hold()) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      JsonLog log = new JsonLog("activity", System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
      PubsubActivity.Settings settings = new PubsubActivity.Settings(
          "it-frontend", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1), 10, Duration.ofSeconds(1));
      PubsubActivity activity = PubsubActivity.start(settings, PROJECT, "nowhere", dead.host(), log);

      // Publishing to a host that refuses is retried by the client for a minute and more: if
      // begin() or close() waited for it, these bounds would be far exceeded whatever the load.
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        for (int i = 0; i < 100; i++) {
          assertThatCode(() -> activity.begin(true).close()).doesNotThrowAnyException();
        }
      });
      assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
          assertThatCode(activity::close).doesNotThrowAnyException());
      assertThat(activity.sent()).isZero();
    }
  }
}
