package dev.snooze.local.eventarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.api.core.ApiFuture;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.http.RawHttp;
import dev.snooze.logging.JsonLog;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to the local Eventarc bridge, from both sides of it.
 *
 * <p>Pushes that are not Pub/Sub's push format (only a hand-made request can be: the emulator
 * always sends it whole) get a clear 4xx JSON error and a WARNING, and nothing reaches the
 * function; a good push right after each one is still delivered. Odd but valid messages
 * published through the emulator (empty, binary, near Pub/Sub's 10 MB limit, strange
 * attributes) each reach the function exactly once, as a CloudEvent the Functions Framework
 * accepts: a request it refused would be answered 500 and redelivered every second, for ever.
 */
@ExtendWith(SharedEmulators.class)
class EventarcBadInputTest {
  private static final String PROJECT = SharedEmulators.PROJECT;
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  private static InProcessFunction function;
  private static ManagedChannel channel;
  private static EventarcBridge bridge;
  private static Route route;

  @BeforeAll
  static void start(LocalEmulators emulators) throws Exception {
    function = InProcessFunction.start(RecordingFunction.class, "cloudevent");
    channel = ManagedChannelBuilder.forTarget(emulators.pubsubHost()).usePlaintext().build();
    PubsubEmulatorAdmin admin = new PubsubEmulatorAdmin(emulators.pubsubHost(), PROJECT);
    JsonLog log = new JsonLog("eventarc", System.out, new PrintStream(LOG, true, StandardCharsets.UTF_8));
    bridge = EventarcBridge.start(admin, PROJECT, BridgeConfig.defaults(), log);
    route = bridge.route("bad-input", "bad-input-topic", function.url());
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

  private static int bridgePort() {
    return URI.create(bridge.baseUrl()).getPort();
  }

  /** What the function received through this test's route. */
  private static List<RecordingFunction.Received> delivered() {
    return RecordingFunction.RECEIVED.stream()
        .filter(r -> r.event().getSource().toString().endsWith("/topics/" + route.topic()))
        .toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Hand-made pushes.

  /** {@code {sub}} in the target is the route's subscription. */
  record Push(String name, String method, String target, String body, int status, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Push push(String name, String body, int status, String reason) {
    return new Push(name, "POST", "/push/{sub}", body, status, reason);
  }

  /** A push envelope around {@code message}, a JSON object's members. */
  private static Push message(String name, String message, int status, String reason) {
    return push(name, "{\"subscription\":\"projects/" + PROJECT + "/subscriptions/x\",\"message\":{" + message + "}}",
        status, reason);
  }

  private static final String TIME = "\"publishTime\":\"2026-11-28T10:00:00.123Z\"";

  static Stream<Push> pushes() {
    return Stream.of(
        push("body is not JSON", "this is not JSON", 400, "push body is not JSON"),
        push("body is empty", "", 400, "push body is not a JSON object"),
        push("body is a JSON array", "[{\"message\":{}}]", 400, "push body is not a JSON object"),
        push("body nested 100000 deep", "[".repeat(100_000), 400, "push body is not JSON"),
        push("no message", "{\"subscription\":\"projects/p/subscriptions/s\"}", 400, "push body has no \"message\" object"),
        push("message is a string", "{\"message\":\"hi\"}", 400, "push body has no \"message\" object"),
        message("no messageId", "\"data\":\"aGk=\"," + TIME, 400, "push message has no messageId"),
        message("empty messageId", "\"messageId\":\"\"," + TIME, 400, "push message has no messageId"),
        message("messageId is an object", "\"messageId\":{\"id\":1}," + TIME, 400, "push field messageId is not a string"),
        message("messageId with a line break", "\"messageId\":\"1\\r\\nce-type: forged\"," + TIME, 400,
            "push message messageId is not a Pub/Sub message id"),
        message("messageId of 1 MiB", "\"messageId\":\"" + "7".repeat(1 << 20) + "\"," + TIME, 400,
            "push message messageId is not a Pub/Sub message id"),
        message("no publishTime", "\"messageId\":\"1\"", 400, "push message has no publishTime"),
        message("publishTime is not a time", "\"messageId\":\"1\",\"publishTime\":\"yesterday\"", 400, "publishTime is not RFC 3339"),
        message("publishTime past year 9999", "\"messageId\":\"1\",\"publishTime\":\"10000-01-01T00:00:00Z\"", 400,
            "publishTime is not RFC 3339"),
        message("data is not base64", "\"messageId\":\"1\"," + TIME + ",\"data\":\"%%% not base64 %%%\"", 400,
            "push message data is not base64"),
        message("data is an object", "\"messageId\":\"1\"," + TIME + ",\"data\":{\"b64\":\"aGk=\"}", 400,
            "push field data is not a string"),
        message("attributes is a list", "\"messageId\":\"1\"," + TIME + ",\"attributes\":[\"a\"]", 400,
            "push message attributes is not an object"),
        message("attribute value is an object", "\"messageId\":\"1\"," + TIME + ",\"attributes\":{\"a\":{}}", 400,
            "push message attribute a is not a string"),
        message("body over 16 MiB", "\"messageId\":\"1\"," + TIME + ",\"data\":\"" + "QUFB".repeat(4 << 20) + "\"", 413,
            "request body larger than"),
        new Push("GET", "GET", "/push/{sub}", null, 405, "push endpoints accept POST only"),
        new Push("PUT", "PUT", "/push/{sub}", "{}", 405, "push endpoints accept POST only"),
        new Push("unknown subscription", "POST", "/push/eventarc-local-nothing-sub-999", "{}", 404, "no route for /push/eventarc-local-nothing-sub-999"),
        new Push("not a push path", "POST", "/v1/projects/p/topics/t:publish", "{}", 404, "no such endpoint"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pushes")
  void malformedPushesGetAClear4xxAreLoggedAndForwardNothing(Push c) throws Exception {
    int before = delivered().size();
    int logged = LOG.size();

    RawHttp.Response response = RawHttp.send(bridgePort(), c.method(), c.target().replace("{sub}", route.subscription()),
        "Content-Type: application/json", c.body() == null ? null : c.body().getBytes(StandardCharsets.UTF_8));

    assertThat(response.status()).as(response.body()).isEqualTo(c.status());
    JsonObject error = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("error");
    assertThat(error.get("code").getAsInt()).isEqualTo(c.status());
    assertThat(error.get("message").getAsString()).contains(c.reason());
    String log = LOG.toString(StandardCharsets.UTF_8).substring(logged);
    assertThat(log.lines()).anySatisfy(line -> {
      JsonObject entry = JsonParser.parseString(line).getAsJsonObject();
      assertThat(entry.get("severity").getAsString()).isEqualTo("WARNING");
      assertThat(entry.get("message").getAsString()).isEqualTo("Push rejected, nothing forwarded");
      assertThat(entry.get("reason").getAsString()).contains(c.reason());
    });
    assertThat(log.lines()).allSatisfy(line -> assertThat(line.length()).isLessThan(4096));

    // A good push right after: delivered, and only it.
    String id = "good-" + IDS.incrementAndGet();
    RawHttp.Response good = RawHttp.send(bridgePort(), "POST", "/push/" + route.subscription(),
        "Content-Type: application/json",
        ("{\"message\":{\"data\":\"aGk=\",\"messageId\":\"" + id + "\"," + TIME + "}}").getBytes(StandardCharsets.UTF_8));
    assertThat(good.status()).as(good.body()).isEqualTo(204);
    assertThat(delivered()).hasSize(before + 1);
    assertThat(delivered().get(before).event().getId()).isEqualTo(id);
  }

  // ---------------------------------------------------------------------------------------------
  // Odd messages through the emulator.

  record Odd(String name, byte[] data, Map<String, String> attributes) {}

  static List<Odd> odd() {
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    Map<String, String> lookAlikes = new LinkedHashMap<>();
    lookAlikes.put("ce-type", "google.cloud.storage.object.v1.finalized");
    lookAlikes.put("ce-id", "forged");
    lookAlikes.put("Content-Type", "text/plain");
    lookAlikes.put("header", "a\r\nce-type: forged");
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      many.put("key-" + i + "-ключ-\uD83D\uDE34", "value ".repeat(i));
    }
    return List.of(
        new Odd("attributes only, no data", new byte[0], Map.of("kind", "heartbeat")),
        new Odd("every byte value", everyByte, Map.of()),
        new Odd("9 MiB, near Pub/Sub's 10 MB limit", "z".repeat(9 << 20).getBytes(StandardCharsets.UTF_8), Map.of()),
        new Odd("attributes named like CloudEvent headers", "{}".getBytes(StandardCharsets.UTF_8), lookAlikes),
        new Odd("100 unicode attributes", "[]".getBytes(StandardCharsets.UTF_8), many),
        new Odd("data that is itself a push envelope",
            "{\"message\":{\"data\":\"!!\",\"messageId\":\"\"}}".getBytes(StandardCharsets.UTF_8), Map.of()));
  }

  @Test
  void oddMessagesFromTheEmulatorAreEachDeliveredOnceAndUnchanged() throws Exception {
    Publisher publisher = Publisher.newBuilder(TopicName.of(PROJECT, route.topic()))
        .setChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
        .setCredentialsProvider(NoCredentialsProvider.create())
        .build();
    Map<String, Odd> byId = new LinkedHashMap<>();
    try {
      List<ApiFuture<String>> sent = new ArrayList<>();
      for (Odd odd : odd()) {
        sent.add(publisher.publish(PubsubMessage.newBuilder()
            .setData(ByteString.copyFrom(odd.data())).putAllAttributes(odd.attributes()).build()));
      }
      for (int i = 0; i < sent.size(); i++) {
        byId.put(sent.get(i).get(30, TimeUnit.SECONDS), odd().get(i));
      }
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(5, TimeUnit.SECONDS);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> byId.keySet().stream().allMatch(id -> !withId(id).isEmpty()));
    // A refused delivery comes back about every second: three quiet seconds show none did.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> byId.keySet().stream().allMatch(id -> withId(id).size() == 1));
    byId.forEach((id, odd) -> {
      RecordingFunction.Received received = withId(id).get(0);
      assertThat(received.event().getType()).as(odd.name()).isEqualTo("google.cloud.pubsub.topic.v1.messagePublished");
      assertThat(received.data().getMessage().getData().toByteArray()).as(odd.name()).isEqualTo(odd.data());
      assertThat(received.data().getMessage().getAttributesMap()).as(odd.name()).isEqualTo(odd.attributes());
    });
  }

  private static List<RecordingFunction.Received> withId(String id) {
    return delivered().stream().filter(r -> r.event().getId().equals(id)).toList();
  }
}
