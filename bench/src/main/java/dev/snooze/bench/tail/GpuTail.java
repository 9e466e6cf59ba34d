package dev.snooze.bench.tail;

import dev.snooze.bench.BenchStack;
import dev.snooze.bench.Console;
import dev.snooze.bench.Distribution;
import dev.snooze.local.compute.ReceivedCall;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * P5, GPU tail: how long the simulated GPU stays billed after the last request, on a
 * time-compressed stack (idle timeout 4 s, sleep check every 1 s, the stack's own scaled pacing:
 * debounce and heartbeat a quarter of the idle timeout, granularity a tenth). Each cycle: a
 * request while asleep (held while the GPU wakes), then a short burst of requests, then silence;
 * the tail runs from the end of the last answer to the resize to 0 that Compute receives (a VM
 * is billed while RUNNING). Compared with the ideal (the idle timeout itself) and the bound the
 * policy promises (idle timeout + granularity + one check interval).
 */
public final class GpuTail {
  private static final Duration IDLE = Duration.ofSeconds(4);
  private static final Duration CHECK = Duration.ofSeconds(1);
  private static final Duration GRANULARITY = IDLE.dividedBy(10);
  private static final Duration DEBOUNCE = IDLE.dividedBy(4);
  private static final Duration BOOT = Duration.ofSeconds(1);
  private static final int BURST = 5;
  private static final Duration BURST_GAP = Duration.ofMillis(200);
  private static final Duration GOAL_SLACK = Duration.ofSeconds(5);

  /** One cycle, on the wall clock. */
  record Cycle(Instant firstSent, Instant lastAnswered, Instant wakeResize, Instant sleepResize,
      Instant lastRecorded, boolean sleptDuringRequests) {}

  public static void main(String[] args) throws Exception {
    Path logs = Path.of(args.length > 0 ? args[0] : "bench/target/logs/p5");
    int cycles = Integer.parseInt(args.length > 1 ? args[1] : "20");
    int warmup = Integer.parseInt(args.length > 2 ? args[2] : "1");
    PrintStream out = Console.takeOver(logs.resolve("driver.log"));
    Instant began = Instant.now();
    out.println("P5 starting the time-compressed local stack (logs in " + logs.toAbsolutePath() + ")");
    try (BenchStack stack = BenchStack.start(Map.of(
        "SNOOZE_IDLE_TIMEOUT", IDLE.toString(),
        "SNOOZE_SLEEP_CHECK_INTERVAL", CHECK.toString(),
        "SNOOZE_SIM_BOOT_TIME", BOOT.toString(),
        // Operations DONE at once: a cycle does not wait for the function's poll after its resize
        // (the tail ends when the resize is received, before any poll).
        "SNOOZE_SIM_OPERATION_LATENCY", "0"), logs)) {
      out.printf(Locale.ROOT, "P5 stack ready in %.1f s: idle timeout %s, sleep check every %s, granularity %s, "
          + "debounce and heartbeat %s, boot %s; %d warm-up cycle(s), then %d measured%n", seconds(began), human(IDLE),
          human(CHECK), human(GRANULARITY), human(DEBOUNCE), human(BOOT), warmup, cycles);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<Cycle> done = new ArrayList<>();
      for (int i = 0; i < warmup + cycles; i++) {
        stack.awaitPhase("ASLEEP", Duration.ofSeconds(60));
        Cycle cycle = cycle(stack, http);
        if (i < warmup) {
          // The functions' first calls (cold JVMs) can lag the activity by more than the
          // compressed idle timeout: shown, not counted.
          out.printf(Locale.ROOT, "P5 warm-up cycle (excluded): tail %.2f s%s%n",
              seconds(cycle.lastAnswered(), cycle.sleepResize()),
              cycle.sleptDuringRequests() ? ", and a resize to 0 came while requests were being made" : "");
        } else {
          done.add(cycle);
        }
        if ((i + 1) % 5 == 0) {
          out.printf(Locale.ROOT, "P5 ... %d cycles done%n", i + 1);
        }
      }
      report(out, done);
      out.printf(Locale.ROOT, "P5 total run time %.0f s%n", seconds(began));
    }
  }

  private static Cycle cycle(BenchStack stack, HttpClient http) throws IOException, InterruptedException {
    URI tags = stack.frontend().resolve("/api/tags");
    Instant since = Instant.now();
    Instant firstSent = Instant.now();
    get(http, tags, Duration.ofSeconds(60)); // held while the GPU wakes
    Instant lastAnswered = null;
    for (int i = 0; i < BURST; i++) {
      Thread.sleep(BURST_GAP.toMillis());
      get(http, tags, Duration.ofSeconds(10));
      lastAnswered = Instant.now();
    }
    Instant wake = null;
    Instant sleep = null;
    boolean early = false;
    long deadline = System.nanoTime() + IDLE.plus(CHECK).plus(GOAL_SLACK).plusSeconds(30).toNanos();
    while (sleep == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
      for (ReceivedCall call : stack.computeCalls(since)) {
        if (call.method().endsWith(".resize") && Integer.valueOf(1).equals(call.size()) && wake == null) {
          wake = call.at();
        } else if (call.method().endsWith(".resize") && Integer.valueOf(0).equals(call.size())) {
          if (call.at().isBefore(lastAnswered)) {
            early = true;
          } else {
            sleep = call.at();
            break;
          }
        }
      }
    }
    if (sleep == null) {
      throw new IllegalStateException("no resize to 0 within " + IDLE.plus(CHECK).plus(GOAL_SLACK).plusSeconds(30)
          + " of the last request: " + stack.status());
    }
    stack.awaitPhase("ASLEEP", Duration.ofSeconds(60));
    Instant recorded = Instant.parse(stack.status().get("lastActivity").getAsString());
    return new Cycle(firstSent, lastAnswered, wake, sleep, recorded, early);
  }

  private static void get(HttpClient http, URI uri, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).build(),
        HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered " + response.statusCode());
    }
  }

  private static void report(PrintStream out, List<Cycle> cycles) {
    List<Double> tail = new ArrayList<>();
    List<Double> policy = new ArrayList<>();
    List<Double> unrecorded = new ArrayList<>();
    List<Double> billed = new ArrayList<>();
    int early = 0;
    for (Cycle c : cycles) {
      tail.add(seconds(c.lastAnswered(), c.sleepResize()));
      policy.add(seconds(c.lastRecorded(), c.sleepResize()));
      unrecorded.add(seconds(c.lastRecorded(), c.lastAnswered()));
      if (c.wakeResize() != null) {
        // RUNNING (billed) from the end of the boot to the resize to 0.
        billed.add(seconds(c.wakeResize().plus(BOOT), c.sleepResize()));
      }
      early += c.sleptDuringRequests() ? 1 : 0;
    }
    Distribution d = Distribution.of(tail);
    double ideal = IDLE.toMillis() / 1000.0;
    double promised = IDLE.plus(GRANULARITY).plus(CHECK).toMillis() / 1000.0;
    double goal = IDLE.plus(CHECK).plus(GOAL_SLACK).toMillis() / 1000.0;
    long within = tail.stream().filter(t -> t <= promised).count();
    out.println("P5 GPU tail, last answer -> resize to 0 received: " + d.describe("s"));
    out.printf(Locale.ROOT, "P5 baseline, ideal tail (the idle timeout): %.1f s; Snooze's median is %+.2f s from it%n",
        ideal, d.p50() - ideal);
    out.printf(Locale.ROOT, "P5 policy's promised bound (idle timeout + granularity + one check interval): %.1f s; "
        + "%d of %d cycles within it%n", promised, within, tail.size());
    out.println("P5 recorded last activity -> resize to 0 (the policy's own clock): " + Distribution.of(policy).describe("s"));
    out.println("P5 recorded last activity -> last answer (activity the debounce did not publish): "
        + Distribution.of(unrecorded).describe("s"));
    if (!billed.isEmpty()) {
      out.println("P5 GPU billed per cycle (RUNNING until the resize to 0): " + Distribution.of(billed).describe("s"));
    }
    if (early > 0) {
      out.println("P5 WARNING: in " + early + " cycle(s) a resize to 0 came while requests were still being made");
    }
    out.printf(Locale.ROOT, "P5 goal tail <= idle timeout + check interval + %d s = %.1f s: %s (max %.2f s)%n",
        GOAL_SLACK.toSeconds(), goal, d.max() <= goal ? "MET" : "MISSED", d.max());
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  private static double seconds(Instant since) {
    return seconds(since, Instant.now());
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
