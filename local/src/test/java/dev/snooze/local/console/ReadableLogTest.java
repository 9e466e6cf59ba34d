package dev.snooze.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Lines as the functions, the frontend and the stack write them, as a person at a terminal reads them. */
class ReadableLogTest {
  private static final Instant NOW = Instant.parse("2026-12-03T21:00:00Z");
  private final ReadableLog log = new ReadableLog(ZoneId.of("Europe/Warsaw"));

  private String shown(String line) {
    return log.render(line, NOW).map(ReadableLog.Line::text).orElse(null);
  }

  @Test
  void aWakeIsItsMessageAtItsOwnTimeOnThisMachinesClock() {
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"waking the GPU: intent (a page opened) from frontend"
        + " (message 3)\",\"time\":\"2026-12-03T19:49:39.341635798Z\",\"component\":\"controller\",\"event\":\"wake\","
        + "\"offer\":\"snooze-gpu\",\"reason\":\"intent (a page opened) from frontend (message 3)\"}"))
        .isEqualTo("20:49:39  waking the GPU: intent (a page opened) from frontend (message 3)");
  }

  @Test
  void sleepsAndScalingAreShownWithTheirReasons() {
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"putting the GPU to sleep: idle for 16s (idle timeout 15s)\","
        + "\"time\":\"2026-12-03T17:12:48Z\",\"component\":\"controller\",\"event\":\"sleep\"}"))
        .isEqualTo("18:12:48  putting the GPU to sleep: idle for 16s (idle timeout 15s)");
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"the GPU is asleep\",\"time\":\"2026-12-03T17:12:52Z\","
        + "\"component\":\"controller\",\"event\":\"asleep\"}"))
        .isEqualTo("18:12:52  the GPU is asleep");
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"scaling out the GPU from 2 to 3 VMs: 9 requests in flight\","
        + "\"time\":\"2026-12-03T19:05:22Z\",\"component\":\"controller\",\"event\":\"scale-out\",\"from\":2,\"to\":3}"))
        .isEqualTo("20:05:22  scaling out the GPU from 2 to 3 VMs: 9 requests in flight");
  }

  @Test
  void errorsGoToStandardErrorWithTheirSeverityAndDetail() {
    ReadableLog.Line line = log.render("{\"severity\":\"WARNING\",\"message\":\"snooze-gpu has no GPU capacity"
        + " (ZONE_RESOURCE_POOL_EXHAUSTED)\",\"time\":\"2026-12-03T19:49:40Z\",\"component\":\"controller\","
        + "\"event\":\"wake-error\",\"error\":\"A VM instance is currently unavailable in the us-central1-a zone.\"}",
        NOW).orElseThrow();
    assertThat(line.problem()).isTrue();
    assertThat(line.text()).isEqualTo("20:49:40  WARNING snooze-gpu has no GPU capacity (ZONE_RESOURCE_POOL_EXHAUSTED)"
        + " (A VM instance is currently unavailable in the us-central1-a zone.)");
    assertThat(shown("{\"severity\":\"ERROR\",\"message\":\"could not publish activity\",\"time\":\"2026-12-03T20:00:00Z\","
        + "\"component\":\"activity\",\"error\":\"UNAVAILABLE: io exception\"}"))
        .isEqualTo("21:00:00  ERROR activity: could not publish activity (UNAVAILABLE: io exception)");
  }

  @Test
  void aRequestSaysWhatItGotAndHowLongItWasHeld() {
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"POST /api/generate 200\",\"time\":\"2026-12-03T20:09:45Z\","
        + "\"component\":\"frontend.request\",\"httpRequest\":{\"requestMethod\":\"POST\",\"requestUrl\":\"/api/generate\","
        + "\"status\":200,\"responseSize\":\"390\",\"latency\":\"9.373s\",\"remoteIp\":\"127.0.0.1\"},"
        + "\"outcome\":\"answered\",\"held\":7.557}"))
        .isEqualTo("21:09:45  POST /api/generate 200 in 9.4 s (held 7.6 s while the GPU woke)");
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"POST /v1/chat/completions 200\",\"time\":\"2026-12-03T20:09:45Z\","
        + "\"httpRequest\":{\"requestMethod\":\"POST\",\"requestUrl\":\"/v1/chat/completions\",\"status\":200,"
        + "\"latency\":\"75.2s\"},\"outcome\":\"cut\",\"held\":0}"))
        .isEqualTo("21:09:45  POST /v1/chat/completions 200 in 1 min 15 s, cut");
  }

  @Test
  void eachPartOfTheStackWithTheTimeItTook() {
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"started Pub/Sub and Firestore emulators\","
        + "\"time\":\"2026-12-03T20:00:03Z\",\"component\":\"local-stack\",\"part\":\"Pub/Sub and Firestore emulators\","
        + "\"millis\":3141}"))
        .isEqualTo("21:00:03  ✓    3.1 s  Pub/Sub and Firestore emulators");
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"started the frontend\",\"time\":\"2026-12-03T20:00:15Z\","
        + "\"part\":\"frontend\",\"millis\":12345}"))
        .as("times line up").isEqualTo("21:00:15  ✓   12.3 s  frontend");
  }

  @Test
  void theBackendsReadinessAsTheFrontendSeesIt() {
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"backend ready\",\"time\":\"2026-12-03T20:09:44Z\","
        + "\"component\":\"frontend.readiness\",\"ready\":true,\"reason\":\"health check answered 200\"}"))
        .isEqualTo("21:09:44  frontend: backend ready (health check answered 200)");
  }

  @Test
  void routineLinesAreLeftToTheLogFilesAndOtherTextIsShownAsWritten() {
    assertThat(shown("{\"severity\":\"INFO\",\"message\":\"frontend listening\",\"time\":\"2026-12-03T20:09:35Z\","
        + "\"component\":\"frontend.server\",\"port\":44653}")).isNull();
    assertThat(shown("")).isNull();
    assertThat(shown("Exception in thread \"main\" java.lang.OutOfMemoryError"))
        .isEqualTo("Exception in thread \"main\" java.lang.OutOfMemoryError");
    assertThat(shown("{\"severity\":\"WARNING\",\"message\":\"no time stamp\"}"))
        .as("a line without a time is stamped with now").isEqualTo("22:00:00  WARNING no time stamp");
  }
}
