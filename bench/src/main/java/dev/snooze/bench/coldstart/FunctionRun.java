package dev.snooze.bench.coldstart;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.ChildProcessException;
import dev.snooze.local.process.JavaCommand;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One cold start, as Cloud Functions gen2 does it: a fresh JVM runs the Functions Framework's
 * invoker ({@code java -jar invoker.jar --classpath JAR --target CLASS}, {@link JavaCommand#function}),
 * and one binary-mode CloudEvent is POSTed as soon as the port accepts connections. The figure is
 * the time from launching {@code java} to the function's 2xx.
 *
 * @param classpath the function's jar
 * @param target the function class
 * @param javaToolOptions what Cloud Functions would put in JAVA_TOOL_OPTIONS
 * @param environment the function's own configuration
 */
record FunctionRun(Path classpath, String target, String javaToolOptions,
    Map<String, String> environment) {

  private static final Duration POLL = Duration.ofMillis(2);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  // Jetty's own "Started oejs.Server@...{STARTING}[...] @1234ms": JVM uptime when the port opened.
  private static final Pattern JETTY_STARTED = Pattern.compile("Started oejs\\.Server@.* @(\\d+)ms");

  /**
   * @param millis from launching java to the 2xx
   * @param cpuMillis CPU time the JVM had used (all its threads) just after the 2xx: what a
   *     one-vCPU function would wait for, whatever else this machine is running
   * @param status the function's answer
   * @param listeningUptimeMillis the JVM's uptime when the invoker's port opened, -1 if not logged
   * @param logTimes milliseconds from launch to each of {@code marks} found in the function's log
   * @param log the function's output
   */
  record Result(double millis, double cpuMillis, int status, long listeningUptimeMillis, Map<String, Double> logTimes, Path log) {}

  /**
   * @param exitGrace how long the JVM may take to exit after SIGTERM before it is killed: a
   *     training run writes its class-data archive as it exits
   */
  Result run(CloudEventRequest event, List<String> marks, Path logDir, Duration exitGrace) {
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1))
        .build();
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("JAVA_TOOL_OPTIONS", javaToolOptions);
    int port = ChildProcess.freePort();
    int[] status = {0};
    long[] answeredAt = {0};
    Instant launchedWall = Instant.now();
    long launched = System.nanoTime();
    try (ChildProcess function = ChildProcess.startOn(port, "cold " + simpleName(target),
        ignored -> JavaCommand.function(List.of(), classpath, target, port), env,
        host -> {
          // Polls inside the predicate, finer than ChildProcess's own 50 ms: the figure must not
          // carry a poll interval.
          long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
          for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            if (attempt % 50 == 49 && !running(port)) {
              return false; // it exited: ChildProcess reports it with the log's tail
            }
            try {
              HttpResponse<String> response = http.send(event.toHttp(host), HttpResponse.BodyHandlers.ofString());
              answeredAt[0] = System.nanoTime();
              status[0] = response.statusCode();
              return true;
            } catch (ConnectException e) {
              pause();
            } catch (IOException e) {
              // A reset while the server binds: try again.
              pause();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          }
          return false;
        },
        logDir, READY_TIMEOUT)) {
      double millis = (answeredAt[0] - launched) / 1e6;
      ProcessHandle jvm = function.tree().get(0);
      double cpuMillis = jvm.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(-1.0);
      if (!exitGrace.isZero()) {
        jvm.destroy();
        try {
          jvm.onExit().get(exitGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          // close() below kills it
        }
      }
      return new Result(millis, cpuMillis, status[0], listeningUptime(function.log()),
          logTimes(function.log(), marks, launchedWall), function.log());
    } catch (ChildProcessException e) {
      throw new IllegalStateException("cold start of " + target + " failed: " + e.getMessage(), e);
    }
  }

  /** Whether our child JVM serving {@code port} is still alive. */
  private static boolean running(int port) {
    String portArg = Integer.toString(port);
    return ProcessHandle.current().children().anyMatch(child -> child.isAlive()
        && child.info().arguments().map(args -> Arrays.asList(args).contains(portArg)).orElse(true));
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private static long listeningUptime(Path log) {
    for (String line : lines(log)) {
      Matcher m = JETTY_STARTED.matcher(line);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    return -1;
  }

  /** The first JSON log line whose message starts with each mark, as ms after launch. */
  private static Map<String, Double> logTimes(Path log, List<String> marks, Instant launched) {
    Map<String, Double> times = new LinkedHashMap<>();
    for (String line : lines(log)) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonObject entry;
      try {
        entry = JsonParser.parseString(line).getAsJsonObject();
      } catch (RuntimeException e) {
        continue;
      }
      if (!entry.has("message") || !entry.has("time")) {
        continue;
      }
      String message = entry.get("message").getAsString();
      for (String mark : marks) {
        if (!times.containsKey(mark) && message.startsWith(mark)) {
          Instant at = Instant.parse(entry.get("time").getAsString());
          times.put(mark, Duration.between(launched, at).toNanos() / 1e6);
        }
      }
    }
    return times;
  }

  private static List<String> lines(Path log) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A binary-mode CloudEvent as Eventarc delivers it: ce-* headers and a JSON body. */
  record CloudEventRequest(Map<String, String> headers, String body) {
    HttpRequest toHttp(String host) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + "/"))
          .timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofString(body));
      headers.forEach(request::header);
      return request.build();
    }
  }
}
