package dev.snooze.local.eventarc;

import dev.snooze.logging.JsonLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The push-to-CloudEvent translation and the bridge's config and log shapes, without servers. */
class PushTranslationTest {
  // As the emulator sends it: camelCase and snake_case twins side by side.
  private static final String EMULATOR_PUSH =
      "{\"subscription\":\"projects/proj-x1/subscriptions/eventarc-local-t-sub-001\","
          + "\"message\":{\"data\":\"aGVsbG8=\",\"attributes\":{\"k\":\"v\"},\"messageId\":\"7\",\"message_id\":\"7\","
          + "\"publishTime\":\"2026-11-28T05:40:37.748Z\",\"publish_time\":\"2026-11-28T05:40:37.748Z\"}}";

  @Test
  void emulatorPushBecomesEventarcHeadersAndMessagePublishedData() throws Exception {
    PushedMessage pushed = PushedMessage.parse(EMULATOR_PUSH.getBytes(StandardCharsets.UTF_8));
    MessagePublishedEvent event =
        MessagePublishedEvent.of("proj-x1", "topic-a", pushed.subscription(), pushed);

    assertThat(event.headers()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "ce-specversion", "1.0",
        "ce-type", "google.cloud.pubsub.topic.v1.messagePublished",
        "ce-source", "//pubsub.googleapis.com/projects/proj-x1/topics/topic-a",
        "ce-id", "7",
        "ce-time", "2026-11-28T05:40:37.748Z",
        "Content-Type", "application/json"));
    assertThat(JsonParser.parseString(event.body())).isEqualTo(JsonParser.parseString(
        "{\"subscription\":\"projects/proj-x1/subscriptions/eventarc-local-t-sub-001\","
            + "\"message\":{\"data\":\"aGVsbG8=\",\"attributes\":{\"k\":\"v\"},\"messageId\":\"7\","
            + "\"publishTime\":\"2026-11-28T05:40:37.748Z\"}}"));
    MessagePublishedData.Builder parsed = MessagePublishedData.newBuilder();
    JsonFormat.parser().merge(event.body(), parsed);
    assertThat(parsed.getMessage().getData().toStringUtf8()).isEqualTo("hello");
  }

  @Test
  void snakeCaseOnlyPushIsAccepted() throws Exception {
    PushedMessage pushed = PushedMessage.parse(
        "{\"message\":{\"message_id\":\"9\",\"publish_time\":\"2026-11-28T05:40:37Z\"}}".getBytes(StandardCharsets.UTF_8));
    assertThat(pushed.messageId()).isEqualTo("9");
    assertThat(pushed.data().isEmpty()).isTrue();
    assertThat(pushed.subscription()).isNull();
  }

  @Test
  void malformedPushesAreNamed() {
    assertThatThrownBy(() -> parse("[1,2]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> parse("{\"message\":{\"messageId\":\"1\"}}")).hasMessageContaining("no publishTime");
    assertThatThrownBy(() -> parse("{\"message\":{\"messageId\":\"1\",\"publishTime\":\"yesterday\"}}"))
        .hasMessageContaining("not RFC 3339");
    assertThatThrownBy(() -> parse("{\"message\":{\"messageId\":\"1\",\"publishTime\":\"2026-11-28T05:40:37Z\",\"data\":\"***\"}}"))
        .hasMessageContaining("not base64");
  }

  @Test
  void configRejectsAFunctionTimeoutThatOutlivesTheAckDeadline() {
    assertThatThrownBy(() -> new BridgeConfig("local", Duration.ofSeconds(60), Duration.ofSeconds(60)))
        .hasMessageContaining("shorter than the ack deadline");
    assertThatThrownBy(() -> new BridgeConfig("local", Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .hasMessageContaining("10 s..600 s");
    assertThatThrownBy(() -> new BridgeConfig("US Central", Duration.ofSeconds(60), Duration.ofSeconds(50)))
        .hasMessageContaining("region");
  }

  @Test
  void logLinesAreCloudLoggingJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    JsonLog log = new JsonLog("eventarc", new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    log.info("hello", "count", 3);
    log.error("bad", "severity", "ignored");

    var info = JsonParser.parseString(out.toString(StandardCharsets.UTF_8).trim()).getAsJsonObject();
    assertThat(info.get("severity").getAsString()).isEqualTo("INFO");
    assertThat(info.get("message").getAsString()).isEqualTo("hello");
    assertThat(info.get("count").getAsInt()).isEqualTo(3);
    var error = JsonParser.parseString(err.toString(StandardCharsets.UTF_8).trim()).getAsJsonObject();
    assertThat(error.get("severity").getAsString()).isEqualTo("ERROR");
  }

  private static PushedMessage parse(String body) throws MalformedPushException {
    return PushedMessage.parse(body.getBytes(StandardCharsets.UTF_8));
  }
}
