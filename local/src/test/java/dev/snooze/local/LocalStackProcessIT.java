package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command as a user runs it: {@code java -jar local/target/snooze-local.jar}
 * with its own emulators, one READY line, and nothing left running after it is stopped.
 */
class LocalStackProcessIT {
  private static final Path JAR = Path.of("target", "snooze-local.jar");

  @Test
  void printsOneReadyLineAndLeavesNothingRunningWhenStopped() throws Exception {
    assertThat(JAR).exists();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString())
            .redirectErrorStream(true);
    builder.environment().remove("PUBSUB_EMULATOR_HOST");
    builder.environment().remove("FIRESTORE_EMULATOR_HOST");
    builder.environment().put("NO_GCE_CHECK", "true");
    builder.environment().put("SNOOZE_PORT", "0");
    builder.environment().put("SNOOZE_EMULATOR_LOG_DIR",
        Files.createDirectories(Path.of("target", "process-it-logs")).toString());
    Process process = builder.start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    try {
      BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready = CompletableFuture.supplyAsync(() -> readyLine(reader, output))
          .get(90, TimeUnit.SECONDS);
      JsonObject endpoints =
          JsonParser.parseString(ready.substring(LocalStack.READY_PREFIX.length())).getAsJsonObject();
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
      assertThat(output).filteredOn(line -> line.startsWith(LocalStack.READY_PREFIX)).hasSize(1);
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static String readyLine(BufferedReader reader, List<String> output) {
    try {
      for (String line; (line = reader.readLine()) != null; ) {
        output.add(line);
        if (line.startsWith(LocalStack.READY_PREFIX)) {
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
