package dev.snooze.cli.plan;

import dev.snooze.cli.plan.PlanOptions.UsageException;
import dev.snooze.cli.plan.RequestLogReader.UnreadableLog;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.decision.Policy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * {@code snooze plan}: reads the logs, replays every setting of the sweep through the functions'
 * own decisions, prints the table and the recommendation, and writes the plot and the report.
 * Progress and bad lines go to stderr; the plan to stdout.
 */
public final class PlanCommand {
  private PlanCommand() {}

  /** @return the exit code: 0 done, 1 failed, 2 bad usage or no readable log */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PlanOptions options;
    Policy base;
    List<Setting> settings;
    try {
      options = PlanOptions.parse(args);
      if (options.help()) {
        out.print(PlanOptions.usage());
        return 0;
      }
      base = Sweep.basePolicy(options);
      settings = Sweep.settings(options, base);
      if (price(options, base) == null && options.goals().stream().anyMatch(g -> g.metric() == Goal.Metric.COST_PER_DAY)) {
        throw new UsageException("--goal cost-per-day needs --price (the price of one GPU VM hour)");
      }
    } catch (UsageException e) {
      err.println("snooze plan: " + e.getMessage());
      return 2;
    }
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), runnable -> {
      Thread thread = new Thread(runnable, "snooze-plan");
      thread.setDaemon(true);
      return thread;
    });
    try (Progress progress = new Progress(err, !options.quiet())) {
      return plan(args, options, base, settings, pool, progress, out, err);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int plan(String[] args, PlanOptions options, Policy base, List<Setting> settings, ExecutorService pool,
      Progress progress, PrintStream out, PrintStream err) {
    RequestLogReader reader = new RequestLogReader(options.duration().toMillis(), options.paths(), pool,
        options.threads());
    progress.show(() -> String.format(Locale.ROOT, "reading: %,d lines", reader.linesRead.get()));
    RequestLogReader.Result read;
    try {
      read = reader.read(options.logs());
    } catch (UnreadableLog e) {
      err.println("snooze plan: " + e.getMessage());
      return 2;
    }
    InputSummary input = read.summary();
    reportBadLines(input, err);
    if (input.requests() == 0) {
      err.println("snooze plan: no requests in " + String.join(", ", input.files()) + ": " + input.describe()
          + "; nothing to plan");
      return 2;
    }
    Sweep.Period period = Sweep.period(read.requests(), settings, options.frontend());
    if (options.readOnly()) {
      out.println("snooze plan: " + input.describe());
      out.println(String.format(Locale.ROOT, "requests from %s to %s; read in %.1f s; nothing replayed (--read-only)",
          Instant.ofEpochMilli(read.requests().start(0)),
          Instant.ofEpochMilli(read.requests().start(read.requests().size() - 1)), progress.elapsed()));
      return 0;
    }
    double started = progress.elapsed();
    List<Outcome> outcomes = Sweep.run(read.requests(), settings, options.frontend(), period, pool, progress);
    double seconds = progress.elapsed() - started;
    List<Goal> goals = new ArrayList<>(options.goals());
    boolean refusalsImplied = settings.stream().anyMatch(s -> s.budget().value().capped())
        && goals.stream().noneMatch(g -> g.metric() == Goal.Metric.OVER_BUDGET);
    if (refusalsImplied) {
      // A budget that turns users away is no saving unless the user says how many may be.
      goals.add(Goal.parse("over-budget<=0"));
    }
    Double price = price(options, base);
    Recommendation recommendation = Recommendation.of(outcomes, goals, price, options.stoppedPrice());
    Plan plan = new Plan(command(args), input, period, deployment(options, base, settings), outcomes, recommendation,
        price, options.stoppedPrice(), !options.defaultGoal(), refusalsImplied, seconds);
    progress.show(() -> "writing the report");
    plan.lines().forEach(out::println);
    if (options.out() != null) {
      try {
        Path dir = options.out();
        Files.createDirectories(dir);
        String svg = PlotSvg.of(plan);
        Files.writeString(dir.resolve("plan.svg"), svg);
        Files.writeString(dir.resolve("report.html"), HtmlReport.of(plan, svg));
        Files.writeString(dir.resolve("plan.csv"), PlanCsv.of(plan));
        out.println("wrote " + dir.resolve("plan.svg") + ", " + dir.resolve("report.html") + " and " + dir.resolve("plan.csv"));
      } catch (IOException e) {
        err.println("snooze plan: cannot write to " + options.out() + ": " + e.getMessage());
        return 2;
      }
    }
    return 0;
  }

  /** The price of one GPU VM hour: {@code --price}, else the deployment's own for its first offer (SNOOZE_GPU_PRICES). */
  private static Double price(PlanOptions options, Policy base) {
    return options.price() != null ? options.price() : base.budget().hourlyPrices().get(base.preferred().mig());
  }

  /** The first bad lines with what is wrong, and how many more: the plan goes on with the rest. */
  private static void reportBadLines(InputSummary input, PrintStream err) {
    if (input.badLines() == 0) {
      return;
    }
    err.println(String.format(Locale.ROOT, "snooze plan: skipped %,d bad line%s of %,d; planning the rest:",
        input.badLines(), input.badLines() == 1 ? "" : "s", input.lines()));
    input.problems().forEach(problem -> err.println("  " + problem));
    if (input.badLines() > input.problems().size()) {
      err.println(String.format(Locale.ROOT, "  … and %,d more", input.badLines() - input.problems().size()));
    }
  }

  /** {@code checks every 1m; wake delete 4m, stop 1m38s; hold 10m; price 0.71 per GPU VM hour}. */
  private static String deployment(PlanOptions options, Policy base, List<Setting> settings) {
    Set<SleepMode> modes = new LinkedHashSet<>();
    settings.forEach(s -> modes.add(s.mode()));
    Map<SleepMode, String> wakes = new EnumMap<>(SleepMode.class);
    settings.forEach(s -> wakes.put(s.mode(), Durations.format(s.wake())));
    List<String> parts = new ArrayList<>();
    parts.add("checks every " + Durations.format(base.checkInterval()));
    parts.add("wake " + modes.stream().map(m -> m.name().toLowerCase(Locale.ROOT) + " " + wakes.get(m))
        .collect(Collectors.joining(", ")));
    if (base.desiredSize() != 1) {
      parts.add(base.desiredSize() + " VMs");
    }
    parts.add("frontend hold " + Durations.format(options.frontend().holdTimeout()));
    Double price = price(options, base);
    if (price != null) {
      parts.add(String.format(Locale.ROOT, "price %s per GPU VM hour", trim(price))
          + (options.stoppedPrice() > 0 && modes.contains(SleepMode.STOP)
              ? String.format(Locale.ROOT, ", %s per stopped VM hour", trim(options.stoppedPrice())) : ""));
    }
    return String.join("; ", parts);
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  /** The command line as a shell would take it back. */
  private static String command(String[] args) {
    List<String> words = new ArrayList<>(List.of("java", "-jar", "snooze.jar", "plan"));
    for (String arg : args) {
      words.add(arg.matches("[A-Za-z0-9_./=:,+@%-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return String.join(" ", words);
  }
}
