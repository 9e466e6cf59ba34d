package dev.snooze.local.eventarc;

import dev.snooze.logging.JsonLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.network.RefusedPort;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedEmulators.class)
class EventarcBridgeTest {
  private static final String PROJECT = SharedEmulators.PROJECT;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static InProcessFunction function;
  private static URI functionUrl;
  private static ManagedChannel channel;
  private static PubsubEmulatorAdmin admin;
  private static EventarcBridge bridge;
  private static final ByteArrayOutputStream ERR = new ByteArrayOutputStream();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start(LocalEmulators emulators) throws Exception {
    function = InProcessFunction.start(RecordingFunction.class, "cloudevent");
    functionUrl = function.url();
    channel = ManagedChannelBuilder.forTarget(emulators.pubsubHost()).usePlaintext().build();
    admin = new PubsubEmulatorAdmin(emulators.pubsubHost(), PROJECT);
    // Warnings are captured so the tests can see that rejected pushes are logged.
    JsonLog log = new JsonLog("eventarc", System.out, new PrintStream(new TeeStream(ERR, System.err), true, StandardCharsets.UTF_8));
    bridge = EventarcBridge.start(admin, PROJECT, BridgeConfig.defaults(), log);
  }

  @AfterAll
  static void stop() throws Exception {
    if (bridge != null) {
      bridge.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (function != null) {
      function.close();
    }
  }

  @Test
  void publishedMessageArrivesAsEventarcCloudEvent() throws Exception {
    String subscription = bridge.route("scale-requests", functionUrl);
    assertThat(subscription).matches("eventarc-local-scale-requests-sub-\\d{3}");

    String id = publish("scale-requests", "{\"model\":\"llama\"}", Map.of("origin", "frontend"));

    await().atMost(WAIT).until(() -> !RecordingFunction.withId(id).isEmpty());
    RecordingFunction.Received received = RecordingFunction.withId(id).get(0);
    var event = received.event();
    assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
    assertThat(event.getType()).isEqualTo("google.cloud.pubsub.topic.v1.messagePublished");
    assertThat(event.getSource()).hasToString("//pubsub.googleapis.com/projects/" + PROJECT + "/topics/scale-requests");
    assertThat(event.getId()).isEqualTo(id);
    assertThat(event.getSubject()).isNull();
    assertThat(event.getDataContentType()).startsWith("application/json");
    var message = received.data().getMessage();
    assertThat(event.getTime()).isNotNull();
    assertThat(event.getTime().toInstant().toEpochMilli())
        .isEqualTo(Timestamps.toMillis(message.getPublishTime()));
    assertThat(message.getData().toStringUtf8()).isEqualTo("{\"model\":\"llama\"}");
    assertThat(message.getAttributesMap()).containsExactlyEntriesOf(Map.of("origin", "frontend"));
    assertThat(message.getMessageId()).isEqualTo(id);
    assertThat(received.data().getSubscription()).isEqualTo("projects/" + PROJECT + "/subscriptions/" + subscription);
  }

  @Test
  void failedDeliveryIsRedeliveredWithTheSameIdThenAcknowledged() throws Exception {
    bridge.route("flaky", functionUrl);

    String id = publish("flaky", "retry me", Map.of("fail-first", "true"));

    await().atMost(WAIT).until(() -> RecordingFunction.withId(id).size() >= 2);
    // Acknowledged after the second delivery: the emulator retries failures about every second,
    // so three quiet seconds show it has stopped.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> RecordingFunction.withId(id).size() == 2);
    assertThat(RecordingFunction.withId(id)).allSatisfy(r -> {
      assertThat(r.event().getId()).isEqualTo(id);
      assertThat(r.data().getMessage().getData().toStringUtf8()).isEqualTo("retry me");
    });
  }

  @Test
  void malformedPushesAreRejectedAndNotForwarded() throws Exception {
    Route route = bridge.route("malformed", "malformed-topic", functionUrl);
    URI endpoint = URI.create(bridge.baseUrl() + "/push/" + route.subscription());

    HttpResponse<String> notJson = post(endpoint, "this is not json");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(notJson.body()).contains("\"code\":400").contains("not JSON");

    HttpResponse<String> noMessage = post(endpoint, "{\"subscription\":\"projects/" + PROJECT + "/subscriptions/x\"}");
    assertThat(noMessage.statusCode()).isEqualTo(400);
    assertThat(noMessage.body()).contains("no \\\"message\\\" object");

    HttpResponse<String> noId = post(endpoint, "{\"message\":{\"data\":\"aGk=\",\"publishTime\":\"2026-01-01T00:00:00Z\"}}");
    assertThat(noId.statusCode()).isEqualTo(400);
    assertThat(noId.body()).contains("messageId");

    assertThat(post(URI.create(bridge.baseUrl() + "/push/eventarc-local-nothing-sub-999"), "{}").statusCode()).isEqualTo(404);
    assertThat(HTTP.send(HttpRequest.newBuilder(endpoint).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(405);

    // This route's pushes only: the other tests' messages may still be (re)delivered meanwhile.
    assertThat(RecordingFunction.RECEIVED)
        .noneMatch(r -> r.event().getSource().toString().endsWith("/topics/" + route.topic()));
    assertThat(ERR.toString(StandardCharsets.UTF_8))
        .contains("\"severity\":\"WARNING\"")
        .contains("Push rejected, nothing forwarded");
  }

  @Test
  void unreachableFunctionIsANon2xxSoTheEmulatorRedelivers() throws Exception {
    try (RefusedPort nobody = RefusedPort.hold()) {
      Route route = bridge.route("unreachable", "unreachable-topic", URI.create("http://" + nobody.host() + "/"));
      // Pushed by hand: through the emulator the message would be retried every second until
      // the route is closed.
      String push = "{\"subscription\":\"projects/" + PROJECT + "/subscriptions/" + route.subscription() + "\","
          + "\"message\":{\"data\":\"aGk=\",\"messageId\":\"42\",\"publishTime\":\"2026-11-28T05:00:00.123Z\"}}";

      HttpResponse<String> response = post(URI.create(bridge.baseUrl() + "/push/" + route.subscription()), push);

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).contains("function unreachable");
    }
  }

  private static String publish(String topic, String data, Map<String, String> attributes) throws Exception {
    Publisher publisher =
        Publisher.newBuilder(TopicName.of(PROJECT, topic))
            .setChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build();
    try {
      return publisher
          .publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(data)).putAllAttributes(attributes).build())
          .get(10, TimeUnit.SECONDS);
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Copies log lines to the console as well, so a failing run still shows them. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }
}
