package dev.snooze.bench.fanin;

import dev.snooze.bench.BenchStack;
import dev.snooze.bench.Console;
import dev.snooze.bench.Distribution;
import dev.snooze.local.emulators.LocalEmulators;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;

/**
 * P4, fan-in: how many Pub/Sub messages and Firestore writes 10,000 user requests cost, at 100
 * and at 1,000 requests per second, with the production pacing (debounce and heartbeat 30 s,
 * activity granularity 10 s). Messages are counted by a pull subscription of the driver's own on
 * the activity topic; Firestore requests by a counting proxy the functions use as their emulator.
 * The baseline is the naive design: one message, and so one write, per request.
 */
public final class FanIn {
  private static final Duration DEBOUNCE = Duration.ofSeconds(30);
  private static final String COMMIT = "/google.firestore.v1.Firestore/Commit";
  private static final String READ = "/google.firestore.v1.Firestore/BatchGetDocuments";
  /** Time for the frontend's last messages to be published once the last answer is in. */
  private static final Duration PUBLISHED = Duration.ofSeconds(2);
  private static final Duration HANDLED = Duration.ofSeconds(120);

  public static void main(String[] args) throws Exception {
    Path logs = Path.of(args.length > 0 ? args[0] : "bench/target/logs/p4");
    int requests = Integer.parseInt(args.length > 1 ? args[1] : "10000");
    double[] rates = args.length > 2
        ? java.util.Arrays.stream(args[2].split(",")).mapToDouble(Double::parseDouble).toArray()
        : new double[] {100, 1000};
    PrintStream out = Console.takeOver(logs.resolve("driver.log"));
    Instant began = Instant.now();
    out.println("P4 starting the local stack (logs in " + logs.toAbsolutePath() + ")");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.endsWith("_EMULATOR_HOST"));
    env.put(LocalEmulators.LOG_DIR_ENV, logs.toAbsolutePath().toString());
    try (LocalEmulators emulators = LocalEmulators.start("snooze-local", env);
        CountingProxy firestore = CountingProxy.start(emulators.firestoreHost());
        BenchStack stack = BenchStack.start(Map.of(
            "PUBSUB_EMULATOR_HOST", emulators.pubsubHost(),
            "FIRESTORE_EMULATOR_HOST", firestore.host(),
            // Production pacing: the functions' and the frontend's own defaults, written out.
            "SNOOZE_IDLE_TIMEOUT", "PT15M",
            "SNOOZE_ACTIVITY_GRANULARITY", "PT10S",
            "SNOOZE_ACTIVITY_DEBOUNCE", DEBOUNCE.toString(),
            "SNOOZE_HEARTBEAT_INTERVAL", "PT30S",
            "SNOOZE_SLEEP_CHECK_INTERVAL", "PT1M",
            "SNOOZE_SIM_BOOT_TIME", "PT1S"), logs)) {
      URI target = stack.frontend().resolve("/api/tags");
      out.printf(Locale.ROOT, "P4 stack ready in %.1f s; waking the GPU with one request%n", seconds(began));
      HttpResponse<String> first = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      if (first.statusCode() != 200) {
        throw new IllegalStateException("the waking request got " + first.statusCode() + ": " + first.body());
      }
      // The first sleep check after a wake records AWAKE (a write): make it now, as Cloud
      // Scheduler would, rather than in the middle of a measured run. The backend serves already.
      stack.sleepCheck();
      try (TopicCount topic = TopicCount.subscribe(emulators.pubsubHost(), stack.project(), stack.topic())) {
        for (double rate : rates) {
          // Each run starts a debounce window afresh: its first request publishes, the worst case.
          out.printf(Locale.ROOT, "P4 waiting %d s for the frontend's debounce window to close%n",
              DEBOUNCE.plusSeconds(1).toSeconds());
          Thread.sleep(DEBOUNCE.plusSeconds(1).toMillis());
          topic.drain();
          long commits = firestore.count(COMMIT);
          long reads = firestore.count(READ);
          OpenLoop.Result run = OpenLoop.run(target, requests, rate);
          Thread.sleep(PUBLISHED.toMillis());
          TopicCount.Drained drained = topic.drain();
          Map<String, Integer> kinds = drained.kinds();
          int messages = drained.total();
          awaitHandled(logs.resolve("driver.log"), drained.messageIds());
          long writes = firestore.count(COMMIT) - commits;
          // Every request reached the frontend between the first send and the last answer.
          long windows = (long) Math.ceil(run.secondsToLastAnswer() / DEBOUNCE.toSeconds());
          String label = String.format(Locale.ROOT, "P4 @%.0f req/s", rate);
          out.printf(Locale.ROOT, "%s: %d requests sent in %.1f s (%.0f req/s achieved), %d answered 2xx, %d failed%s; "
              + "latency %s%n", label, run.sent(), run.seconds(), run.achievedRate(), run.ok(), run.failed(),
              run.failures().isEmpty() ? "" : " " + run.failures(),
              run.latenciesMs().isEmpty() ? "-" : Distribution.of(run.latenciesMs()).describe("ms"));
          out.printf(Locale.ROOT, "%s: Pub/Sub messages %d %s = %.1f per 10,000 requests; baseline (one per request) %d%n",
              label, messages, kinds, messages * 10_000.0 / run.sent(), run.sent());
          out.printf(Locale.ROOT, "%s: Firestore writes %d = %.1f per 10,000 requests (and %d reads); baseline %d%n",
              label, writes, writes * 10_000.0 / run.sent(), firestore.count(READ) - reads, run.sent());
          out.printf(Locale.ROOT, "%s: goal <= 1 message per %d s debounce window per frontend: %d messages in %d "
              + "window(s) (%.1f s from the first request to the last answer): %s%n", label, DEBOUNCE.toSeconds(),
              messages, windows, run.secondsToLastAnswer(), messages <= windows ? "MET" : "MISSED");
        }
      }
      out.println("P4 Firestore requests by method over the whole run: " + firestore.counts());
      out.printf(Locale.ROOT, "P4 total run time %.0f s%n", seconds(began));
    }
  }

  /**
   * Waits until the Wake function has handled (and so written for) every message counted: the
   * local Eventarc logs each delivery to Wake once the function has answered.
   */
  private static void awaitHandled(Path driverLog, List<String> messageIds) throws Exception {
    long deadline = System.nanoTime() + HANDLED.toNanos();
    Set<String> waiting = new HashSet<>(messageIds);
    while (!waiting.isEmpty()) {
      for (JsonObject line : BenchStack.jsonLines(driverLog)) {
        if ("Event delivered".equals(line.get("message").getAsString())
            && line.get("subscription").getAsString().contains("snooze-wake")) {
          waiting.remove(line.get("messageId").getAsString());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Wake did not handle messages " + waiting + " within " + HANDLED);
      }
      Thread.sleep(200);
    }
  }

  private static double seconds(Instant since) {
    return Duration.between(since, Instant.now()).toMillis() / 1000.0;
  }
}
