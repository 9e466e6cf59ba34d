package dev.snooze.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadableConsoleTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ReadableConsole console = new ReadableConsole(
      new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
      Clock.fixed(Instant.parse("2026-12-03T21:00:07Z"), ZoneOffset.UTC));
  private HttpServer status;

  @AfterEach
  void stop() {
    if (status != null) {
      status.stop(0);
    }
  }

  @Test
  void readySaysWhereToGoAndTheGpusPhaseAsStatusGivesIt() throws Exception {
    status = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    status.createContext("/", exchange -> {
      byte[] body = "{\"phase\":\"ASLEEP\",\"desiredSize\":1}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    status.start();
    String statusUrl = "http://127.0.0.1:" + status.getAddress().getPort();

    console.ready(ready(statusUrl));

    assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
        "21:00:07  Snooze is up — open http://127.0.0.1:8080   (started in 14.2 s)",
        "          GPU: asleep (no VM, nothing billed); opening the page or sending a prompt wakes it",
        "          It sleeps after 2 min without a request; Ctrl-C stops everything",
        "          Status " + statusUrl + " · Pub/Sub 127.0.0.1:8085 · Compute http://127.0.0.1:9000",
        "          Every JSON log line is kept in /tmp/snooze-local-logs (or printed here with --json)");
  }

  @Test
  void aStatusThatDoesNotAnswerIsSaidSo() {
    console.ready(ready("http://127.0.0.1:1"));

    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("          GPU: its phase is unknown (Status did not answer: ");
  }

  @Test
  void logLinesAreRenderedAndProblemsGoToStandardError() {
    console.logged("{\"severity\":\"INFO\",\"message\":\"the GPU is asleep\",\"time\":\"2026-12-03T17:12:52Z\","
        + "\"component\":\"controller\",\"event\":\"asleep\"}");
    console.logged("{\"severity\":\"INFO\",\"message\":\"frontend listening\",\"time\":\"2026-12-03T17:12:52Z\"}");
    console.logged("{\"severity\":\"ERROR\",\"message\":\"the GPU failed\",\"time\":\"2026-12-03T17:12:53Z\","
        + "\"component\":\"controller\",\"event\":\"wake-error\"}");

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("17:12:52  the GPU is asleep\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("17:12:53  ERROR the GPU failed\n");
  }

  private static Console.Ready ready(String statusUrl) {
    return new Console.Ready(
        Map.of("frontend", "http://127.0.0.1:8080", "pubsub", "127.0.0.1:8085", "compute", "http://127.0.0.1:9000",
            "functions", Map.of("status", statusUrl)),
        Duration.ofMillis(14_212), Duration.ofMinutes(2), Path.of("/tmp/snooze-local-logs"), Map.of());
  }
}
