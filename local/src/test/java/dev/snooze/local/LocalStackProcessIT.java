package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.console.JsonConsole;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's run command as a user runs it: {@code java -jar local/target/snooze-local.jar}
 * with its own emulators, and nothing left running after it is stopped. Piped, it prints JSON
 * lines and one READY line; on a terminal (a pseudo-terminal from util-linux's {@code script}),
 * readable lines.
 */
class LocalStackProcessIT {
  private static final Path JAR = Path.of("target", "snooze-local.jar");
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void printsOneReadyLineAndLeavesNothingRunningWhenStopped() throws Exception {
    assertThat(JAR).exists();
    Process process = start(new ProcessBuilder(JAVA, "-jar", JAR.toString()));
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    try {
      BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready = CompletableFuture.supplyAsync(() -> readyLine(reader, output))
          .get(90, TimeUnit.SECONDS);
      JsonObject endpoints =
          JsonParser.parseString(ready.substring(JsonConsole.READY_PREFIX.length())).getAsJsonObject();
      assertThat(endpoints.keySet()).contains(
          "frontend", "pubsub", "firestore", "compute", "backend", "project", "region", "mig", "topic",
          "functions");
      List<ProcessHandle> tree = process.descendants().toList();
      assertThat(tree).as("the emulators run as children of the stack").isNotEmpty();
      assertThat(answers(port(endpoints.get("pubsub").getAsString()))).isTrue();

      process.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the stack exits").isTrue();

      // Every process of the tree has exited, the emulators' JVMs included. (Their ports are not
      // asked again: a port freed is anyone's, and another server may answer there.)
      for (ProcessHandle child : tree) {
        child.onExit().get(30, TimeUnit.SECONDS);
        assertThat(child.isAlive()).as("child %s", child.pid()).isFalse();
      }
      assertThat(output).filteredOn(line -> line.startsWith(JsonConsole.READY_PREFIX)).hasSize(1);
      assertThat(output).as("piped, every other line is a JSON log line")
          .filteredOn(line -> !line.startsWith(JsonConsole.READY_PREFIX))
          .isNotEmpty()
          .allSatisfy(line -> assertThat(JsonParser.parseString(line).getAsJsonObject().has("severity")).isTrue());
      assertThat(output).as("each part's start is logged with its time")
          .anyMatch(line -> line.contains("\"part\":\"Pub/Sub and Firestore emulators\",\"millis\":"));
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void onATerminalSaysWhereToGoAndEachWakeInWords() throws Exception {
    assertThat(JAR).exists();
    // script runs the stack on a pseudo-terminal and copies what the terminal shows to its stdout.
    Process script = start(new ProcessBuilder("script", "--quiet", "--flush", "--return",
        "--command", JAVA + " -jar " + JAR, "/dev/null"));
    List<String> screen = Collections.synchronizedList(new ArrayList<>());
    try {
      BufferedReader reader = new BufferedReader(
          new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8));
      Thread copy = new Thread(() -> reader.lines().map(line -> line.replace("\r", "")).forEach(screen::add));
      copy.setDaemon(true);
      copy.start();
      Pattern up = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d  Snooze is up — open (http://127\\.0\\.0\\.1:\\d+) .*");
      String frontend = await().atMost(Duration.ofSeconds(90)).until(() -> firstMatch(screen, up), Optional::isPresent)
          .orElseThrow();
      assertThat(List.copyOf(screen)).as("each part as it started, with its time")
          .anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d  ✓ +\\d+\\.\\d s  Pub/Sub and Firestore emulators"))
          .anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d  ✓ +\\d+\\.\\d s  frontend on http://127\\.0\\.0\\.1:\\d+"));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(List.copyOf(screen)).as("the GPU's phase")
          .anyMatch(line -> line.equals(" ".repeat(10)
              + "GPU: asleep (no VM, nothing billed); opening the page or sending a prompt wakes it")));

      // Opening the page wakes the GPU (SNOOZE_WAKE_ON=open): the page's intent, as a browser sends it.
      HttpResponse<Void> intent = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(frontend + "/snooze/intent"))
              .header("Content-Type", "application/json").header("Sec-Fetch-Site", "same-origin")
              .POST(HttpRequest.BodyPublishers.ofString("{\"trigger\":\"open\"}")).build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(intent.statusCode()).isEqualTo(204);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(List.copyOf(screen))
          .anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d  waking the GPU: .*intent.*")));

      // The stack's JVM, whether script's shell runs it or execs it; the emulators' JVMs are its children.
      ProcessHandle stack = script.descendants()
          .filter(child -> child.info().arguments().map(List::of).orElse(List.of()).contains(JAR.toString()))
          .findFirst().orElseThrow();
      List<ProcessHandle> tree = stack.descendants().toList();
      stack.destroy(); // SIGTERM, as Ctrl-C
      assertThat(script.waitFor(30, TimeUnit.SECONDS)).as("the stack exits").isTrue();
      for (ProcessHandle child : tree) {
        child.onExit().get(30, TimeUnit.SECONDS);
      }
      copy.join(5_000);
      assertThat(screen).anyMatch(line -> line.endsWith("  Stopping Snooze's local stack"));
      assertThat(screen).as("no JSON on a terminal").noneMatch(line -> line.startsWith("{"))
          .noneMatch(line -> line.startsWith(JsonConsole.READY_PREFIX));
    } finally {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
    }
  }

  private static Process start(ProcessBuilder builder) throws IOException {
    builder.redirectErrorStream(true);
    builder.environment().remove("PUBSUB_EMULATOR_HOST");
    builder.environment().remove("FIRESTORE_EMULATOR_HOST");
    builder.environment().put("NO_GCE_CHECK", "true");
    builder.environment().put("SNOOZE_PORT", "0");
    builder.environment().put("SNOOZE_EMULATOR_LOG_DIR",
        Files.createDirectories(Path.of("target", "process-it-logs")).toString());
    return builder.start();
  }

  private static Optional<String> firstMatch(List<String> lines, Pattern pattern) {
    return List.copyOf(lines).stream().map(pattern::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst();
  }

  private static String readyLine(BufferedReader reader, List<String> output) {
    try {
      for (String line; (line = reader.readLine()) != null; ) {
        output.add(line);
        if (line.startsWith(JsonConsole.READY_PREFIX)) {
          // Keep draining so the stack never blocks on a full pipe.
          Thread drain = new Thread(() -> {
            try {
              reader.lines().forEach(output::add);
            } catch (UncheckedIOException closed) {
              // the process is gone
            }
          });
          drain.setDaemon(true);
          drain.start();
          return line;
        }
      }
      throw new AssertionError("the stack exited without READY:\n" + String.join("\n", output));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
