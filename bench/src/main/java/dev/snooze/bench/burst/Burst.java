package dev.snooze.bench.burst;

import com.google.gson.JsonObject;
import dev.snooze.bench.BenchStack;
import dev.snooze.bench.Console;
import dev.snooze.bench.FirstToken;
import dev.snooze.local.gpu.VmStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * P9, a burst: what scale-out by requests in flight gives a room that prompts at once. On the
 * time-compressed stack, one GPU offer, stand-in VMs with Ollama's concurrency (4 at once, 4 more
 * queued, then 503 "server busy"), load steps from 1 user to {@code users} users, each sending
 * its next streamed prompt as soon as its answer ends (a closed loop), for {@code seconds}. Two
 * stacks in the same run, one after the other: the GPU fixed at 1 VM (today's default), and scaling
 * up to ceil(users / 4) VMs at 4 requests in flight per VM. Per stack: each prompt's time from
 * sending to its first token (p50, p95, max) and to its end, answered, failed, the VMs' busy answers
 * (the frontend holds those and sends them again), and, when scaling, the time from the step to
 * every VM wanted serving (Status's {@code scale.serving}).
 */
public final class Burst {
  private static final Duration HELD = Duration.ofMinutes(5);
  private static final int TARGET = 4;
  /** Each VM boots in about 5 s: provisioning 2 s, the guest's stages 1.5 s, the model 1.5 s (a real GPU VM: minutes). */
  private static final String STAGES =
      "provisioning=2,booting=0.3,driver=0.3,pulling-image=0.3,starting-container=0.6,loading-model=1.5";
  /** The stand-in's ~30-token answer streams for about 3 s. */
  private static final String TOKEN_INTERVAL = "0.1";

  /** One prompt: when sent, its first token and its end (null: it failed). */
  record Prompt(Instant sent, Instant firstToken, Instant end, String failure) {}

  /** What one stack measured. */
  record Run(String label, int maxSize, List<Prompt> step, Duration toTarget, List<VmStats> vms, JsonObject scale) {}

  public static void main(String[] args) throws Exception {
    Path logs = Path.of(args.length > 0 ? args[0] : "bench/target/logs/p9");
    int users = Integer.parseInt(args.length > 1 ? args[1] : "20");
    int seconds = Integer.parseInt(args.length > 2 ? args[2] : "60");
    int maxSize = (users + TARGET - 1) / TARGET;
    PrintStream out = Console.takeOver(logs.resolve("driver.log"));
    Instant began = Instant.now();
    out.printf(Locale.ROOT, "P9 a step from 1 to %d users, each prompting again as its answer ends, for %d s;"
        + " stand-in VMs with OLLAMA_NUM_PARALLEL=4 and OLLAMA_MAX_QUEUE=4, a ~3 s answer, a ~5 s boot%n",
        users, seconds);
    List<Run> runs = new ArrayList<>();
    runs.add(run(out, logs.resolve("fixed"), "fixed 1 VM", 1, users, seconds));
    runs.add(run(out, logs.resolve("scaling"), "scale-out to " + maxSize, maxSize, users, seconds));
    report(out, runs, users);
    out.printf(Locale.ROOT, "P9 total run time %.0f s%n", seconds(began, Instant.now()));
  }

  private static Run run(PrintStream out, Path logs, String label, int maxSize, int users, int seconds)
      throws Exception {
    Map<String, String> knobs = new LinkedHashMap<>();
    knobs.put("SNOOZE_OFFERS", "snooze-gpu@us-central1:STANDARD");
    knobs.put("SNOOZE_IDLE_TIMEOUT", "600");
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", "1");
    knobs.put("SNOOZE_MAX_SIZE", String.valueOf(maxSize));
    knobs.put("SNOOZE_TARGET_IN_FLIGHT", String.valueOf(TARGET));
    knobs.put("SNOOZE_SCALE_IN_DELAY", "120");
    knobs.put("SNOOZE_SIM_PARALLEL", "4");
    knobs.put("SNOOZE_SIM_MAX_QUEUE", "4");
    knobs.put("SNOOZE_SIM_DRAIN_TIMEOUT", "60");
    knobs.put("SNOOZE_SIM_STAGES", STAGES);
    knobs.put("SNOOZE_SIM_TOKEN_INTERVAL", TOKEN_INTERVAL);
    Instant starting = Instant.now();
    try (BenchStack stack = BenchStack.start(knobs, logs)) {
      out.printf(Locale.ROOT, "P9 [%s] stack ready in %.1f s (logs in %s)%n", label, seconds(starting, Instant.now()),
          logs.toAbsolutePath());
      FirstToken prompt = new FirstToken(stack.frontend().resolve("/api/generate"),
          "{\"model\":\"snooze-demo\",\"prompt\":\"tell the room\"}", HELD);
      prompt.send(() -> null); // the wake, and one VM awake
      stack.awaitPhase("AWAKE", Duration.ofSeconds(60));
      loop(prompt, 1, Instant.now().plusSeconds(10)); // one user before the step

      Instant step = Instant.now();
      AtomicReference<Instant> reached = new AtomicReference<>();
      Thread watch = new Thread(() -> watchScale(stack, maxSize, step, reached), "p9-scale-watch");
      watch.setDaemon(true);
      watch.start();
      List<Prompt> prompts = loop(prompt, users, step.plusSeconds(seconds));
      watch.interrupt();
      JsonObject scale = stack.status().getAsJsonObject("scale");
      Run run = new Run(label, maxSize, prompts, reached.get() == null ? null : Duration.between(step, reached.get()),
          stack.gpuVms(), scale);
      out.printf(Locale.ROOT, "P9 [%s] %d prompts in the step; Status scale at its end %s%n", label, prompts.size(), scale);
      return run;
    }
  }

  /** {@code users} closed-loop users until {@code end}: every prompt each sent, in order of sending. */
  private static List<Prompt> loop(FirstToken prompt, int users, Instant end) throws InterruptedException {
    List<Prompt> prompts = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      Thread user = new Thread(() -> {
        while (Instant.now().isBefore(end)) {
          Instant sent = Instant.now();
          try {
            FirstToken.Answer<Void> answer = prompt.send(() -> null);
            prompts.add(new Prompt(answer.sent(), answer.firstToken(), Instant.now(), null));
          } catch (IOException e) {
            prompts.add(new Prompt(sent, null, Instant.now(), e.getMessage()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, "p9-user-" + u);
      threads.add(user);
      user.start();
    }
    for (Thread user : threads) {
      user.join();
    }
    List<Prompt> sorted = new ArrayList<>(prompts);
    sorted.sort((a, b) -> a.sent().compareTo(b.sent()));
    return sorted;
  }

  /** Polls Status until {@code size} VMs serve; sets the moment. */
  private static void watchScale(BenchStack stack, int size, Instant step, AtomicReference<Instant> reached) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        JsonObject scale = stack.status().getAsJsonObject("scale");
        if (scale.get("serving").getAsInt() >= size) {
          reached.set(Instant.now());
          return;
        }
        Thread.sleep(250);
      } catch (IOException e) {
        // the next poll
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void report(PrintStream out, List<Run> runs, int users) {
    out.println();
    out.printf(Locale.ROOT, "P9 %-18s %8s %8s %8s %8s %8s %8s %8s %6s %12s%n", "setting", "prompts", "failed",
        "ttft p50", "ttft p95", "ttft max", "end p95", "busy503", "cut", "to target");
    for (Run run : runs) {
      List<Double> ttft = new ArrayList<>();
      List<Double> total = new ArrayList<>();
      int failed = 0;
      for (Prompt p : run.step()) {
        if (p.failure() != null) {
          failed++;
        } else {
          ttft.add(seconds(p.sent(), p.firstToken()));
          total.add(seconds(p.sent(), p.end()));
        }
      }
      long busy = run.vms().stream().mapToLong(VmStats::busy).sum();
      long cut = run.vms().stream().mapToLong(VmStats::cut).sum();
      String toTarget = run.maxSize() == 1 ? "(1 VM)" : run.toTarget() == null ? "not reached"
          : String.format(Locale.ROOT, "%.1f s", run.toTarget().toMillis() / 1000.0);
      out.printf(Locale.ROOT, "P9 %-18s %8d %8d %7.2fs %7.2fs %7.2fs %7.2fs %8d %6d %12s%n", run.label(),
          run.step().size(), failed, percentile(ttft, 50), percentile(ttft, 95), percentile(ttft, 100),
          percentile(total, 95), busy, cut, toTarget);
      run.step().stream().filter(p -> p.failure() != null).limit(3)
          .forEach(p -> out.println("P9   failed: " + p.failure()));
    }
    Run fixed = runs.get(0);
    Run scaled = runs.get(1);
    double before = percentile(ttftOf(fixed), 95);
    double after = percentile(ttftOf(scaled), 95);
    out.printf(Locale.ROOT, "P9 p95 time to first token with %d users: %.2f s on 1 VM, %.2f s scaling out (%.1fx)%n",
        users, before, after, after > 0 ? before / after : Double.NaN);
  }

  private static List<Double> ttftOf(Run run) {
    return run.step().stream().filter(p -> p.failure() == null).map(p -> seconds(p.sent(), p.firstToken())).toList();
  }

  /** Nearest-rank percentile; NaN for none. */
  private static double percentile(List<Double> values, int p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
