package dev.snooze.bench.failover;

import com.google.gson.JsonObject;
import dev.snooze.bench.BenchStack;
import dev.snooze.bench.Console;
import dev.snooze.bench.Distribution;
import dev.snooze.bench.FirstToken;
import dev.snooze.config.GpuOffer;
import dev.snooze.local.compute.ReceivedCall;
import dev.snooze.local.compute.StockoutKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * P7, failover: what a stocked-out preferred GPU offer costs the user who wakes the GPU. On a
 * time-compressed stack with the default two offers (a SPOT MIG, then a STANDARD one), cycles
 * alternate: (a) the spot offer available, (b) the spot MIG stocked out (the kinds in turn), so
 * that the functions give it up and wake the on-demand one. Each cycle times one streamed prompt
 * sent to the frontend while asleep (held while the GPU wakes), from its sending to its first
 * token; (b) also times, from the Compute simulator's call log, the failover itself: the spot
 * MIG's resize to 1, its give-up (resize to 0) once the resize operation fails, and the on-demand
 * MIG's resize to 1. Every cycle checks which offer Status says serves and, in (b), that the spot
 * MIG is back at target size 0 (no creation left queued): the run fails if not.
 */
public final class Failover {
  private static final Duration IDLE = Duration.ofSeconds(4);
  private static final Duration CHECK = Duration.ofSeconds(1);
  private static final Duration BOOT = Duration.ofSeconds(1);
  /** As Compute: an operation is RUNNING a moment, so the functions poll it (the client polls first within 1 s). */
  private static final Duration OPERATION_LATENCY = Duration.ofMillis(500);
  /** Compressed from the functions' 2 min default, as the idle timeout is. */
  private static final Duration CAPACITY_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration GOAL_SLACK = Duration.ofSeconds(5);
  private static final Duration HELD = Duration.ofSeconds(120);
  private static final String PROMPT = "{\"model\":\"snooze-demo\",\"prompt\":\"wake up\"}";

  /**
   * One cycle, on the wall clock; the resizes are the simulator's arrival times.
   *
   * @param kind the stockout in force, or null for a baseline cycle
   * @param servedBy Status's {@code offer} at the first token
   * @param preferredTargetSize the preferred offer's MIG's target size at the first token
   * @param wake the preferred offer's resize to 1
   * @param giveUp the preferred offer's resize to 0 after it (null: no failover)
   * @param next the next offer's resize to 1 (null: no failover)
   */
  record Cycle(StockoutKind kind, Instant sent, Instant firstToken, String servedBy, int preferredTargetSize,
      Instant wake, Instant giveUp, Instant next) {

    double toFirstToken() {
      return seconds(sent, firstToken);
    }
  }

  /** Status's {@code offer} and the preferred offer's MIG's target size, at the first token. */
  private record Seen(String offer, int preferredTargetSize) {}

  public static void main(String[] args) throws Exception {
    Path logs = Path.of(args.length > 0 ? args[0] : "bench/target/logs/p7");
    int cycles = Integer.parseInt(args.length > 1 ? args[1] : "10");
    int warmup = Integer.parseInt(args.length > 2 ? args[2] : "1");
    PrintStream out = Console.takeOver(logs.resolve("driver.log"));
    Instant began = Instant.now();
    out.println("P7 starting the time-compressed local stack (logs in " + logs.toAbsolutePath() + ")");
    try (BenchStack stack = BenchStack.start(Map.of(
        "SNOOZE_IDLE_TIMEOUT", IDLE.toString(),
        "SNOOZE_SLEEP_CHECK_INTERVAL", CHECK.toString(),
        "SNOOZE_SIM_BOOT_TIME", BOOT.toString(),
        "SNOOZE_SIM_OPERATION_LATENCY", OPERATION_LATENCY.toString(),
        "SNOOZE_CAPACITY_TIMEOUT", CAPACITY_TIMEOUT.toString()), logs)) {
      List<GpuOffer> offers = stack.offers();
      if (offers.size() < 2) {
        throw new IllegalStateException("P7 needs two offers, the stack has " + offers);
      }
      GpuOffer preferred = offers.get(0);
      GpuOffer next = offers.get(1);
      out.printf(Locale.ROOT, "P7 stack ready in %.1f s: offers %s; idle timeout %s, sleep check every %s, boot %s, "
          + "operations DONE after %s, capacity timeout %s; %d warm-up pair(s), then %d pairs of cycles "
          + "(a) %s available, (b) %s stocked out (kinds in turn)%n", seconds(began, Instant.now()), offers,
          human(IDLE), human(CHECK), human(BOOT), human(OPERATION_LATENCY), human(CAPACITY_TIMEOUT), warmup, cycles,
          preferred.mig(), preferred.mig());
      FirstToken prompt = new FirstToken(stack.frontend().resolve("/api/generate"), PROMPT, HELD);
      List<Cycle> baseline = new ArrayList<>();
      List<Cycle> failover = new ArrayList<>();
      StockoutKind[] kinds = StockoutKind.values();
      for (int i = 0; i < warmup + cycles; i++) {
        stack.awaitPhase("ASLEEP", Duration.ofSeconds(60));
        stack.endStockout(preferred);
        Cycle a = cycle(stack, prompt, preferred, next, null);
        stack.awaitPhase("ASLEEP", Duration.ofSeconds(60));
        StockoutKind kind = kinds[Math.max(0, i - warmup) % kinds.length];
        stack.stockout(preferred, kind);
        Cycle b = cycle(stack, prompt, preferred, next, kind);
        String label = i < warmup ? "P7 warm-up pair (excluded):" : String.format(Locale.ROOT, "P7 pair %2d:", i - warmup + 1);
        out.printf(Locale.ROOT, "%s (a) %.2f s by %s | (b) %s: %.2f s by %s, failover %.2f s, %s targetSize %d%n",
            label, a.toFirstToken(), a.servedBy(), kind, b.toFirstToken(), b.servedBy(), seconds(b.wake(), b.next()),
            preferred.mig(), b.preferredTargetSize());
        if (i >= warmup) {
          baseline.add(a);
          failover.add(b);
        }
      }
      stack.awaitPhase("ASLEEP", Duration.ofSeconds(60));
      stack.endStockout(preferred);
      report(out, baseline, failover, preferred, next);
      out.println("P7 " + preferred.mig() + " given up by (the function that logged it): "
          + giveUpsBy(stack, failover, preferred));
      out.printf(Locale.ROOT, "P7 total run time %.0f s%n", seconds(began, Instant.now()));
    }
  }

  /** One wake from sleep: a held prompt to its first token, checked against what should serve it. */
  private static Cycle cycle(BenchStack stack, FirstToken prompt, GpuOffer preferred, GpuOffer next,
      StockoutKind kind) throws IOException, InterruptedException {
    Instant since = Instant.now();
    // At the first token, before the rest of the stream: who serves, and what the spot MIG wants.
    FirstToken.Answer<Seen> answer = prompt.send(() -> {
      JsonObject status = stack.status();
      String offer = status.get("offer").isJsonNull() ? null : status.get("offer").getAsString();
      return new Seen(offer, stack.mig(preferred).get("targetSize").getAsInt());
    });
    String servedBy = answer.atFirstToken().offer();
    int target = answer.atFirstToken().preferredTargetSize();
    Instant wake = null;
    Instant giveUp = null;
    Instant nextWake = null;
    for (ReceivedCall call : stack.computeCalls(since)) {
      if (!call.method().endsWith(".resize") || call.size() == null) {
        continue;
      }
      if (preferred.mig().equals(call.resource()) && call.size() > 0 && wake == null) {
        wake = call.at();
      } else if (preferred.mig().equals(call.resource()) && call.size() == 0 && wake != null && giveUp == null) {
        giveUp = call.at();
      } else if (next.mig().equals(call.resource()) && call.size() > 0 && nextWake == null) {
        nextWake = call.at();
      }
    }
    Cycle cycle = new Cycle(kind, answer.sent(), answer.firstToken(), servedBy, target, wake, giveUp, nextWake);
    logCalls(stack, cycle, since);
    String which = kind == null ? "(a) baseline" : "(b) " + kind;
    if (wake == null) {
      throw new IllegalStateException(which + ": no resize of " + preferred.mig() + " reached Compute: every wake "
          + "from sleep should begin with the preferred offer");
    }
    if (kind == null) {
      if (!preferred.mig().equals(servedBy) || nextWake != null) {
        throw new IllegalStateException(which + ": served by " + servedBy + (nextWake != null ? ", and "
            + next.mig() + " was woken" : "") + ", with " + preferred.mig() + " available: " + stack.status());
      }
    } else {
      if (!next.mig().equals(servedBy)) {
        throw new IllegalStateException(which + ": Status says " + servedBy + " served, not " + next.mig()
            + ": " + stack.status());
      }
      if (target != 0) {
        throw new IllegalStateException(which + ": " + preferred.mig() + " still at targetSize " + target
            + " while " + next.mig() + " serves: a creation is left queued: " + stack.mig(preferred));
      }
      if (giveUp == null || nextWake == null || nextWake.isBefore(giveUp)) {
        throw new IllegalStateException(which + ": expected " + preferred.mig() + " resize to 1, its resize to 0, then "
            + next.mig() + " resize to 1; got " + preferred.mig() + " up " + wake + ", down " + giveUp + ", "
            + next.mig() + " up " + nextWake);
      }
    }
    return cycle;
  }

  /** Into the driver's log (stdout, taken over): the cycle's Compute calls, timed from the prompt's sending. */
  private static void logCalls(BenchStack stack, Cycle cycle, Instant since) throws IOException, InterruptedException {
    StringBuilder line = new StringBuilder("P7 calls of a " + (cycle.kind() == null ? "baseline" : cycle.kind().name())
        + " cycle sent at " + cycle.sent() + ", first token +" + millis(cycle.sent(), cycle.firstToken()) + " ms:");
    for (ReceivedCall call : stack.computeCalls(since)) {
      if (!call.at().isAfter(cycle.firstToken())) {
        line.append(" +").append(millis(cycle.sent(), call.at())).append(' ')
            .append(call.method().contains("Operations") ? "operation." : "")
            .append(call.method().substring(call.method().lastIndexOf('.') + 1))
            .append(call.resource() == null || call.method().contains("Operations") ? "" : " " + call.resource())
            .append(call.size() == null ? "" : "=" + call.size()).append(',');
      }
    }
    System.out.println(line);
  }

  /**
   * Which function gave the preferred offer up in each failover cycle: the Sleep function (the
   * scheduled check, which reads the MIG's errors) or the Wake function (its resize's operation
   * failed), from their logs' {@code give-up} events between the two resizes.
   */
  private static Map<String, Integer> giveUpsBy(BenchStack stack, List<Cycle> cycles, GpuOffer preferred)
      throws IOException {
    Map<String, Integer> by = new TreeMap<>();
    List<Map.Entry<String, Instant>> events = new ArrayList<>();
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(stack.logDir(), "*-function-*.log")) {
      for (Path log : logs) {
        String function = log.getFileName().toString().replaceFirst("-function-.*", "");
        for (JsonObject line : BenchStack.jsonLines(log)) {
          if (line.has("event") && "give-up".equals(line.get("event").getAsString()) && line.has("offer")
              && preferred.mig().equals(line.get("offer").getAsString())) {
            events.add(Map.entry(function, Instant.parse(line.get("time").getAsString())));
          }
        }
      }
    }
    for (Cycle c : cycles) {
      String who = events.stream()
          .filter(e -> !e.getValue().isBefore(c.wake()) && !e.getValue().isAfter(c.giveUp()))
          .min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("unknown");
      by.merge(who, 1, Integer::sum);
    }
    return by;
  }

  private static void report(PrintStream out, List<Cycle> baseline, List<Cycle> failover, GpuOffer preferred,
      GpuOffer next) {
    Distribution a = Distribution.of(each(baseline, Cycle::toFirstToken));
    Distribution b = Distribution.of(each(failover, Cycle::toFirstToken));
    List<Double> pairs = new ArrayList<>();
    for (int i = 0; i < failover.size(); i++) {
      pairs.add(failover.get(i).toFirstToken() - baseline.get(i).toFirstToken());
    }
    out.println("P7 (a) baseline, " + preferred.mig() + " available, first request -> first token: " + a.describe("s"));
    out.println("P7 (b) " + preferred.mig() + " stocked out, failover to " + next.mig()
        + ", first request -> first token: " + b.describe("s"));
    out.printf(Locale.ROOT, "P7 added by the failover: median %+.2f s (b p50 - a p50), worst %+.2f s (b max - a p50); "
        + "per pair b - a: %s%n", b.p50() - a.p50(), b.max() - a.p50(), Distribution.of(pairs).describe("s"));
    out.println("P7 failover's own cost, " + preferred.mig() + " resize to 1 -> " + next.mig() + " resize to 1 received: "
        + Distribution.of(each(failover, c -> seconds(c.wake(), c.next()))).describe("s"));
    out.println("P7   of which " + preferred.mig() + " resize to 1 -> its give-up resize to 0 (the failed operation "
        + "seen, the failover recorded): " + Distribution.of(each(failover, c -> seconds(c.wake(), c.giveUp()))).describe("s"));
    out.println("P7   and give-up resize to 0 -> " + next.mig() + " resize to 1: "
        + Distribution.of(each(failover, c -> seconds(c.giveUp(), c.next()))).describe("s"));
    out.println("P7 first request -> first resize received (the wake decision): (a) "
        + Distribution.of(each(baseline, c -> seconds(c.sent(), c.wake()))).describe("s") + "; (b) "
        + Distribution.of(each(failover, c -> seconds(c.sent(), c.wake()))).describe("s"));
    out.println("P7 serving resize -> first token: (a) "
        + Distribution.of(each(baseline, c -> seconds(c.wake(), c.firstToken()))).describe("s") + "; (b) "
        + Distribution.of(each(failover, c -> seconds(c.next(), c.firstToken()))).describe("s"));
    for (StockoutKind kind : StockoutKind.values()) {
      List<Cycle> ofKind = failover.stream().filter(c -> c.kind() == kind).toList();
      if (!ofKind.isEmpty()) {
        out.println("P7 (b) with " + kind + ": first token " + Distribution.of(each(ofKind, Cycle::toFirstToken)).describe("s")
            + "; failover " + Distribution.of(each(ofKind, c -> seconds(c.wake(), c.next()))).describe("s"));
      }
    }
    long servedNext = failover.stream().filter(c -> next.mig().equals(c.servedBy())).count();
    long released = failover.stream().filter(c -> c.preferredTargetSize() == 0).count();
    out.printf(Locale.ROOT, "P7 served by (Status offer at the first token): (a) %s in %d of %d; (b) %s in %d of %d, "
        + "with %s at targetSize 0 in %d of %d%n", preferred.mig(),
        baseline.stream().filter(c -> preferred.mig().equals(c.servedBy())).count(), baseline.size(), next.mig(),
        servedNext, failover.size(), preferred.mig(), released, failover.size());
    double goal = CAPACITY_TIMEOUT.plus(GOAL_SLACK).toMillis() / 1000.0;
    double worst = b.max() - a.p50();
    out.printf(Locale.ROOT, "P7 goal failover adds <= capacity timeout + %d s = %.1f s: %s (median %+.2f s, worst %+.2f s)%n",
        GOAL_SLACK.toSeconds(), goal, worst <= goal && b.p50() - a.p50() <= goal ? "MET" : "NOT MET",
        b.p50() - a.p50(), worst);
  }

  private static List<Double> each(List<Cycle> cycles, Function<Cycle, Double> f) {
    return cycles.stream().map(f).toList();
  }

  private static long millis(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
