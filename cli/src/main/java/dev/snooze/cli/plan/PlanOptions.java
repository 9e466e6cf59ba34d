package dev.snooze.cli.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code snooze plan}'s command line, read but not yet interpreted against the functions'
 * configuration ({@link Sweep} does that). Every option takes one value ({@code --idle 15m} or
 * {@code --idle=15m}); the sweep's options take comma-separated lists (windows and budgets, whose
 * values hold commas, take {@code |}-separated alternatives).
 */
record PlanOptions(
    List<Path> logs,
    List<Duration> idle,
    List<String> sleepModes,
    String windows,
    List<String> budgets,
    String wake,
    Double price,
    double stoppedPrice,
    Duration checkInterval,
    Integer size,
    String budgetZone,
    Duration budgetGrace,
    Map<String, String> set,
    FrontendModel.Settings frontend,
    List<String> paths,
    Duration duration,
    List<Goal> goals,
    boolean defaultGoal,
    Path out,
    int threads,
    boolean quiet,
    boolean readOnly,
    boolean help) {

  static final String USAGE = """
      usage: java -jar snooze.jar plan [options] LOG...

      Replays the requests of each LOG through Snooze's own decisions (the functions' Decisions and
      Policy, on a simulated clock) for every combination of the settings below, and prints GPU
      hours, cost, wakes, cold starts and how long users waited, then the cheapest setting that
      meets the goal. LOG is the frontend's request log (JSON lines), Cloud Logging entries
      (gcloud logging read --format=json), or one timestamp a line (ISO-8601 with an offset, or
      epoch seconds); bad lines are skipped, counted and named.

      Settings to sweep (every combination is replayed):
        --idle 5m,15m,30m            idle timeouts (default: SNOOZE_IDLE_TIMEOUT's, 15m)
        --sleep-mode delete,stop     sleep modes (default: delete)
        --windows 'none|Mon-Fri 09:00-17:30 Europe/Warsaw'
                                     warm windows: alternatives separated by '|', the windows of one
                                     by ';' as in SNOOZE_WARM_WINDOWS; none: no window (the default)
        --budget 'none|4h/day|8h/day,100h/month|20/day'
                                     budget caps: alternatives separated by '|', the caps of one by
                                     ','; Nh/day and Nh/month are GPU hours, N/day and N/month money
                                     (needs --price); none: no cap (the default)
        --budget-hours-per-day 4,8   the same as --budget '4h/day|8h/day'; also
                                     --budget-hours-per-month, --budget-money-per-day,
                                     --budget-money-per-month

      The deployment:
        --wake 4m | delete=4m,stop=98s
                                     how long a wake takes until the GPU serves, for every mode or
                                     per mode (default: delete 4m, SNOOZE_EXPECTED_WAKE's; stop 98s,
                                     a stopped VM's restart: README, stage table)
        --price 0.71                 price of one GPU VM hour: adds the cost column and money budgets
        --stopped-price 0.03         price of one stopped VM hour (its disks) in stop mode (default 0)
        --check-interval 1m          how often the scheduled check runs (SNOOZE_CHECK_INTERVAL)
        --size 1                     VMs while awake (SNOOZE_DESIRED_SIZE)
        --budget-zone Europe/Warsaw  the zone of a budget's days and months (default UTC)
        --budget-grace 10m           how long an awake GPU serves on past a reached cap
        --set NAME=VALUE             any functions setting, written as the functions read it
                                     (e.g. --set SNOOZE_ACTIVITY_GRANULARITY=5); repeatable

      The frontend:
        --hold-timeout 10m           a request held longer while the GPU wakes gets a 503
                                     (SNOOZE_WAKE_TIMEOUT of the frontend)
        --debounce 30s               SNOOZE_ACTIVITY_DEBOUNCE
        --heartbeat 30s              SNOOZE_HEARTBEAT_INTERVAL
        --paths /api/,/v1/           URL paths proxied to the GPU (SNOOZE_ALLOWED_PATHS); requests to
                                     others (the page, Status) are not planned; all: every request
        --duration 0s                how long a request without a latency takes (plain timestamps)

      Goal and output:
        --goal 'cold-starts<=5%'     the goal the recommendation meets; comma-separated or repeated:
                                     cold-starts, timeouts and over-budget (N% or a count),
                                     wait-p50, wait-p95, cold-wait-p50, cold-wait-p95 (durations),
                                     gpu-hours-per-day, cost-per-day (default: cold-starts<=5%)
        --out DIR                    also write DIR/plan.svg (cost or GPU hours vs cold starts, one
                                     point per setting), DIR/report.html and DIR/plan.csv (exact figures)
        --threads N                  settings replayed at once (default: the cores, {cores} here)
        --quiet                      no progress lines on stderr
        --read-only                  only read the logs and say what they hold (and what is wrong
                                     with them); replay nothing

      Exit codes: 0 planned, 2 bad usage or no readable log.
      """;

  /** A command line that cannot be planned: said as the message, exit code 2. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  private static final Set<String> OPTIONS = Set.of("idle", "sleep-mode", "windows", "budget",
      "budget-hours-per-day", "budget-hours-per-month", "budget-money-per-day", "budget-money-per-month", "wake",
      "price", "stopped-price", "check-interval", "size", "budget-zone", "budget-grace", "set", "hold-timeout",
      "debounce", "heartbeat", "paths", "duration", "goal", "out", "threads");
  private static final Set<String> REPEATABLE = Set.of("set", "goal", "budget");
  private static final Set<String> FLAGS = Set.of("quiet", "help", "read-only");

  static String usage() {
    return USAGE.replace("{cores}", Integer.toString(Runtime.getRuntime().availableProcessors()));
  }

  static PlanOptions parse(String[] args) throws UsageException {
    Map<String, List<String>> given = new LinkedHashMap<>();
    List<Path> logs = new ArrayList<>();
    boolean quiet = false;
    boolean help = false;
    boolean readOnly = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.equals("--")) {
        if (arg.equals("-h")) {
          help = true;
          continue;
        }
        if (arg.startsWith("-") && !arg.equals("-") && !arg.equals("--")) {
          throw new UsageException("unknown option " + arg + " (plan --help lists them)");
        }
        if (!arg.equals("--")) {
          logs.add(Path.of(arg));
        }
        continue;
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (FLAGS.contains(name)) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        quiet |= name.equals("quiet");
        help |= name.equals("help");
        readOnly |= name.equals("read-only");
        continue;
      }
      if (!OPTIONS.contains(name)) {
        throw new UsageException("unknown option --" + name + " (plan --help lists them)");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("--" + name + " needs a value (plan --help says which)");
        }
        value = args[++i];
      }
      List<String> values = given.computeIfAbsent(name, k -> new ArrayList<>());
      if (!values.isEmpty() && !REPEATABLE.contains(name)) {
        throw new UsageException("--" + name + " is given twice: give it once, with a comma-separated list");
      }
      values.add(value);
    }
    if (help) {
      return new PlanOptions(logs, List.of(), List.of(), null, List.of(), null, null, 0, null, null, null, null,
          Map.of(), FrontendModel.Settings.DEFAULTS, List.of(), Duration.ZERO, List.of(), true, null, 1, quiet, false,
          true);
    }
    if (logs.isEmpty()) {
      throw new UsageException("no request log given: java -jar snooze.jar plan [options] LOG... (plan --help)");
    }
    return interpret(given, logs, quiet, readOnly);
  }

  private static PlanOptions interpret(Map<String, List<String>> given, List<Path> logs, boolean quiet,
      boolean readOnly) throws UsageException {
    Reader r = new Reader(given);
    List<Duration> idle = r.durations("idle");
    List<String> modes = r.list("sleep-mode");
    List<String> budgets = new ArrayList<>();
    for (String budget : given.getOrDefault("budget", List.of())) {
      budgets.addAll(List.of(budget.split("\\|", -1)));
    }
    budgets.addAll(r.caps("budget-hours-per-day", "h/day"));
    budgets.addAll(r.caps("budget-hours-per-month", "h/month"));
    budgets.addAll(r.caps("budget-money-per-day", "/day"));
    budgets.addAll(r.caps("budget-money-per-month", "/month"));
    Double price = r.number("price");
    Double stopped = r.number("stopped-price");
    Integer size = r.integer("size");
    Integer threads = r.integer("threads");
    if (size != null && size < 1 || threads != null && threads < 1) {
      throw new UsageException((size != null && size < 1 ? "--size" : "--threads") + " must be 1 or more");
    }
    FrontendModel.Settings defaults = FrontendModel.Settings.DEFAULTS;
    FrontendModel.Settings frontend = new FrontendModel.Settings(
        r.positive("debounce", defaults.debounce()), defaults.asleepWindow(),
        r.positive("heartbeat", defaults.heartbeat()), r.positive("hold-timeout", defaults.holdTimeout()));
    String paths = r.one("paths");
    List<String> pathList = paths == null ? List.of("/api/", "/v1/")
        : paths.equals("all") ? List.of() : List.of(paths.split(","));
    for (String path : pathList) {
      if (!path.startsWith("/")) {
        throw new UsageException("--paths: '" + path + "' does not start with '/' (e.g. /api/,/v1/, or all)");
      }
    }
    List<Goal> goals = new ArrayList<>();
    for (String goal : given.getOrDefault("goal", List.of())) {
      try {
        goals.addAll(Goal.parseAll(goal));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--goal: " + e.getMessage());
      }
    }
    boolean defaultGoal = goals.isEmpty();
    if (defaultGoal) {
      goals.add(Goal.parse(Goal.DEFAULT));
    }
    Map<String, String> set = new LinkedHashMap<>();
    for (String entry : given.getOrDefault("set", List.of())) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--set '" + entry + "' is not NAME=VALUE (e.g. SNOOZE_ACTIVITY_GRANULARITY=5)");
      }
      set.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
    }
    String out = r.one("out");
    return new PlanOptions(logs, idle, modes, r.one("windows"), budgets, r.one("wake"), price,
        stopped == null ? 0 : stopped, r.positive("check-interval", (Duration) null), size, r.one("budget-zone"),
        r.duration("budget-grace"), set, frontend, pathList, r.duration("duration") == null ? Duration.ZERO
        : r.duration("duration"), goals, defaultGoal, out == null ? null : Path.of(out),
        threads == null ? Runtime.getRuntime().availableProcessors() : threads, quiet, readOnly, false);
  }

  /** Reads values, naming the option in every complaint. */
  private record Reader(Map<String, List<String>> given) {
    String one(String name) {
      List<String> values = given.get(name);
      return values == null ? null : values.get(0);
    }

    List<String> list(String name) throws UsageException {
      String value = one(name);
      if (value == null) {
        return List.of();
      }
      List<String> items = new ArrayList<>();
      for (String item : value.split(",", -1)) {
        if (item.isBlank()) {
          throw new UsageException("--" + name + " '" + value + "' has an empty item: separate values with one ','");
        }
        items.add(item.strip());
      }
      return items;
    }

    List<Duration> durations(String name) throws UsageException {
      List<Duration> values = new ArrayList<>();
      for (String item : list(name)) {
        values.add(positive(name, item));
      }
      return values;
    }

    Duration duration(String name) throws UsageException {
      String value = one(name);
      if (value == null) {
        return null;
      }
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--" + name + ": " + e.getMessage());
      }
    }

    Duration positive(String name, Duration fallback) throws UsageException {
      String value = one(name);
      return value == null ? fallback : positive(name, value);
    }

    private Duration positive(String name, String value) throws UsageException {
      Duration parsed;
      try {
        parsed = Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--" + name + ": " + e.getMessage());
      }
      if (parsed.isZero()) {
        throw new UsageException("--" + name + ": " + value + " must be longer than 0");
      }
      return parsed;
    }

    Double number(String name) throws UsageException {
      String value = one(name);
      if (value == null) {
        return null;
      }
      try {
        double parsed = Double.parseDouble(value);
        if (parsed >= 0 && !Double.isInfinite(parsed)) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw new UsageException("--" + name + " '" + value + "' is not a number of 0 or more (e.g. 0.71)");
    }

    Integer integer(String name) throws UsageException {
      String value = one(name);
      if (value == null) {
        return null;
      }
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " '" + value + "' is not a whole number");
      }
    }

    /** {@code --budget-hours-per-day 4,8} as the budget alternatives {@code 4h/day} and {@code 8h/day}. */
    List<String> caps(String name, String unit) throws UsageException {
      List<String> caps = new ArrayList<>();
      for (String item : list(name)) {
        caps.add(item + unit);
      }
      return caps;
    }
  }
}
