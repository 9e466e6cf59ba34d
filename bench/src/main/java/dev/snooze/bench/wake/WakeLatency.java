package dev.snooze.bench.wake;

import com.google.gson.JsonObject;
import dev.snooze.bench.BenchStack;
import dev.snooze.bench.Console;
import dev.snooze.bench.Distribution;
import dev.snooze.local.compute.ReceivedCall;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.eventarc.EventarcBridge;
import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.HttpProbe;
import dev.snooze.local.process.JavaCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * P1, wake decision latency: from the moment a user's request is sent to the frontend while the
 * GPU sleeps, to the moment the Compute simulator receives the resize that wakes it, through the
 * frontend's activity publisher, the Pub/Sub emulator's push, the local Eventarc and the Wake
 * function (Firestore claim, then Compute). All clocks are this machine's wall clock.
 *
 * <p>Baseline, in the same run and for the same messages: a second Eventarc route from the same
 * topic into {@link NoOpFunction}, so the delivery path's share and the Wake function's own share
 * are both visible.
 *
 * <p>Between wakes the MIG is put back to sleep by the Sleep function, called as Cloud Scheduler
 * calls it, once the idle timeout (1 s here) has passed; the scheduler's own ticker is off. The
 * simulated VM never finishes booting (boot time 1 h), so the frontend sees the backend asleep
 * before every request, as at every real cold start.
 */
public final class WakeLatency {
  private static final String INVOKER = "com.google.cloud.functions.invoker.runner.Invoker";
  private static final Duration IDLE = Duration.ofSeconds(1);
  private static final Duration GRANULARITY = IDLE.dividedBy(10);
  private static final Duration WAKE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(10);
  private static final double GOAL_P99_MS = 100;

  /** One wake: when the request was sent and when Compute heard of it (null: it never did). */
  record Wake(Instant sent, Instant migRead, Instant resize) {}

  public static void main(String[] args) throws Exception {
    Path logs = Path.of(args.length > 0 ? args[0] : "bench/target/logs/p1");
    int wakes = Integer.parseInt(args.length > 1 ? args[1] : "200");
    int warmup = Integer.parseInt(args.length > 2 ? args[2] : "5");
    PrintStream out = Console.takeOver(logs.resolve("driver.log"));
    Instant began = Instant.now();
    out.println("P1 starting the local stack (logs in " + logs.toAbsolutePath() + ")");
    try (BenchStack stack = BenchStack.start(Map.of(
            "SNOOZE_IDLE_TIMEOUT", IDLE.toString(),
            "SNOOZE_ACTIVITY_GRANULARITY", GRANULARITY.toString(),
            "SNOOZE_HEARTBEAT_TTL", IDLE.toString(),
            // The driver calls Sleep itself between wakes.
            "SNOOZE_SLEEP_CHECK_INTERVAL", "PT1H",
            "SNOOZE_SIM_BOOT_TIME", "PT1H",
            // Operations DONE at once: the sleep between wakes does not wait for a poll.
            "SNOOZE_SIM_OPERATION_LATENCY", "0",
            // The held request lives ~0.1 s: no heartbeat would be due anyway.
            "SNOOZE_HEARTBEAT_INTERVAL", "PT1H"), logs);
        ChildProcess noop = startNoOp(stack);
        EventarcBridge baseline = EventarcBridge.start(
            new PubsubEmulatorAdmin(stack.pubsubHost(), stack.project()), stack.project())) {
      baseline.route("bench-noop", stack.topic(), URI.create("http://" + noop.host()));
      out.printf(Locale.ROOT, "P1 stack ready in %.1f s; %d warm-up wakes, then %d measured%n",
          Duration.between(began, Instant.now()).toMillis() / 1000.0, warmup, wakes);
      List<Wake> all = new ArrayList<>();
      for (int i = 0; i < warmup + wakes; i++) {
        Wake wake = wakeOnce(stack);
        all.add(wake);
        sleepAgain(stack, wake.sent());
        if ((i + 1) % 50 == 0) {
          out.printf(Locale.ROOT, "P1 ... %d wakes done%n", i + 1);
        }
      }
      report(out, stack, noop, all, warmup);
      out.printf(Locale.ROOT, "P1 total run time %.0f s%n", Duration.between(began, Instant.now()).toMillis() / 1000.0);
    }
  }

  private static ChildProcess startNoOp(BenchStack stack) {
    return ChildProcess.start("noop function",
        port -> JavaCommand.of(INVOKER, "--target", NoOpFunction.class.getName(), "--port", Integer.toString(port)),
        Map.of("NO_GCE_CHECK", "true"),
        host -> HttpProbe.responds(host, "/robots.txt"),
        stack.logDir(), Duration.ofSeconds(60));
  }

  /** Sends one request while asleep; returns once Compute received the resize, or after {@link #WAKE_TIMEOUT}. */
  private static Wake wakeOnce(BenchStack stack) throws IOException, InterruptedException {
    URI frontend = stack.frontend();
    byte[] body = "{\"model\":\"snooze-demo\",\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
    byte[] request = ("POST /api/generate HTTP/1.1\r\nHost: " + frontend.getAuthority()
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    Instant since = Instant.now();
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      // Connected first, as a browser's kept-alive connection would be: the clock starts at the request.
      socket.connect(new InetSocketAddress(frontend.getHost(), frontend.getPort()), 5_000);
      OutputStream stream = socket.getOutputStream();
      byte[] all = new byte[request.length + body.length];
      System.arraycopy(request, 0, all, 0, request.length);
      System.arraycopy(body, 0, all, request.length, body.length);
      Instant sent = Instant.now();
      stream.write(all);
      stream.flush();
      long deadline = System.nanoTime() + WAKE_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        Thread.sleep(POLL.toMillis());
        Instant migRead = null;
        for (ReceivedCall call : stack.computeCalls(since)) {
          if (call.method().endsWith(".get")) {
            migRead = call.at();
          } else if (call.method().endsWith(".resize") && Integer.valueOf(1).equals(call.size())) {
            return new Wake(sent, migRead, call.at());
          }
        }
      }
      return new Wake(sent, null, null);
    }
    // Closing the socket is the user leaving: the frontend drops the held request.
  }

  /** Waits out the idle timeout (counted, as Sleep counts it, from the message), then calls Sleep until it sleeps. */
  private static void sleepAgain(BenchStack stack, Instant sent) throws IOException, InterruptedException {
    long idleAt = Duration.between(Instant.now(), sent.plus(IDLE).plus(GRANULARITY).plusMillis(30)).toMillis();
    if (idleAt > 0) {
      Thread.sleep(idleAt);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      // "sleep" is answered once the MIG is resized to 0 and the state is ASLEEP.
      if ("sleep".equals(stack.sleepCheck().get("action").getAsString())) {
        return;
      }
      if ("ASLEEP".equals(stack.phase())) {
        return; // a wake that never happened leaves nothing to put to sleep
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the MIG did not go back to sleep: " + stack.status());
  }

  private static void report(PrintStream out, BenchStack stack, ChildProcess noop, List<Wake> all, int warmup)
      throws IOException {
    List<JsonObject> received = BenchStack.jsonLines(noop.log()).stream()
        .filter(l -> NoOpFunction.RECEIVED.equals(l.get("message").getAsString())).toList();
    List<JsonObject> wakeLogs = BenchStack.jsonLines(stack.childLog("wake function", stack.function("wake"))).stream()
        .filter(l -> l.has("event") && "wake".equals(l.get("event").getAsString())).toList();
    List<Double> total = new ArrayList<>();
    List<Double> frontend = new ArrayList<>();
    List<Double> delivery = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    List<Double> wakeOwn = new ArrayList<>();
    List<Double> beforeCompute = new ArrayList<>();
    List<Double> compute = new ArrayList<>();
    List<Double> warm = new ArrayList<>();
    int failed = 0;
    for (int i = 0; i < all.size(); i++) {
      Wake w = all.get(i);
      // A request that woke nothing counts as the whole timeout: dropping it would flatter p99.
      double ms = w.resize() == null ? WAKE_TIMEOUT.toMillis() : millis(w.sent(), w.resize());
      if (i < warmup) {
        warm.add(ms);
        continue;
      }
      total.add(ms);
      if (w.resize() == null) {
        failed++;
        continue;
      }
      Instant next = i + 1 < all.size() ? all.get(i + 1).sent() : Instant.MAX;
      JsonObject noopEvent = first(received, w.sent(), next, l -> Instant.parse(l.get("receivedAt").getAsString()));
      if (noopEvent != null) {
        Instant arrived = Instant.parse(noopEvent.get("receivedAt").getAsString());
        Instant published = Instant.parse(noopEvent.get("publishTime").getAsString());
        baseline.add(millis(w.sent(), arrived));
        frontend.add(millis(w.sent(), published));
        delivery.add(millis(published, arrived));
        wakeOwn.add(millis(arrived, w.resize()));
        JsonObject wakeLog = first(wakeLogs, w.sent(), next, l -> Instant.parse(l.get("time").getAsString()));
        if (wakeLog != null) {
          Instant decided = Instant.parse(wakeLog.get("time").getAsString());
          beforeCompute.add(millis(arrived, decided));
          compute.add(millis(decided, w.resize()));
        }
      }
    }
    Distribution p1 = Distribution.of(total);
    out.println("P1 warm-up (excluded): " + Distribution.of(warm).describe("ms"));
    out.println("P1 wake decision latency, request sent -> resize received: " + p1.describe("ms")
        + (failed > 0 ? "; " + failed + " request(s) woke nothing within " + WAKE_TIMEOUT.toSeconds()
            + " s, counted as " + WAKE_TIMEOUT.toSeconds() + " s" : ""));
    out.println("P1 baseline, same message, request sent -> no-op function via the same push path: "
        + Distribution.of(baseline).describe("ms"));
    out.println("P1 share, frontend (request sent -> Pub/Sub publish time): " + Distribution.of(frontend).describe("ms"));
    out.println("P1 share, Pub/Sub push + Eventarc bridge + invoker (publish -> no-op function): "
        + Distribution.of(delivery).describe("ms"));
    out.println("P1 share, Wake function's own (no-op arrival -> resize received): " + Distribution.of(wakeOwn).describe("ms"));
    if (!beforeCompute.isEmpty()) {
      out.println("P1   of which Firestore claim (no-op arrival -> Wake logs its decision): "
          + Distribution.of(beforeCompute).describe("ms"));
      out.println("P1   of which Compute (decision -> resize received; a MIG get first): "
          + Distribution.of(compute).describe("ms"));
    }
    out.printf(Locale.ROOT, "P1 goal p99 <= %.0f ms: %s (p99 %.1f ms)%n", GOAL_P99_MS,
        p1.p99() <= GOAL_P99_MS ? "MET" : "MISSED", p1.p99());
  }

  /** The first line whose time falls in [from, to). */
  private static JsonObject first(List<JsonObject> lines, Instant from, Instant to, Function<JsonObject, Instant> time) {
    for (JsonObject line : lines) {
      Instant t = time.apply(line);
      if (!t.isBefore(from) && t.isBefore(to)) {
        return line;
      }
    }
    return null;
  }

  private static double millis(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }
}
