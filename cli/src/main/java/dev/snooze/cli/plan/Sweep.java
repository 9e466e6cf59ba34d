package dev.snooze.cli.plan;

import dev.snooze.cli.plan.PlanOptions.UsageException;
import dev.snooze.cli.plan.Setting.Labelled;
import dev.snooze.functions.budget.Budget;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.config.SnoozeConfig;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.schedule.WarmWindows;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The settings to replay, every combination of the options' values, on the deployment's policy as
 * the functions themselves read it ({@link SnoozeConfig}, with their defaults); and their replay,
 * one setting per core at a time.
 */
final class Sweep {
  /**
   * A stopped VM started again: the realistic preset's restart (README's stage table: provisioning
   * 16 s, booting 25 s, driver 5 s, image 2 s, container 5 s, model 45 s).
   */
  static final Duration STOP_WAKE = Duration.ofSeconds(98);

  private static final Pattern CAP = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(h?)\\s*/\\s*(day|month)");

  private Sweep() {}

  /** The period replayed, epoch ms: from the UTC midnight before the first request. */
  record Period(long from, long to) {}

  /**
   * The policy of a deployment configured as the functions' environment says ({@code --set}, then the
   * options that map to a variable), every other setting at the functions' default.
   */
  static Policy basePolicy(PlanOptions options) throws UsageException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SNOOZE_PROJECT", "snooze-plan");
    env.put("SNOOZE_REGION", "us-central1");
    env.putAll(options.set());
    if (options.checkInterval() != null) {
      env.put("SNOOZE_CHECK_INTERVAL", options.checkInterval().toString());
    }
    if (options.size() != null) {
      env.put("SNOOZE_DESIRED_SIZE", options.size().toString());
    }
    try {
      return SnoozeConfig.fromEnv(env).policy();
    } catch (IllegalArgumentException e) {
      throw new UsageException("the functions' settings (--set, --check-interval, --size): " + e.getMessage());
    }
  }

  /** Every combination: warm windows, then budgets, then sleep modes, then idle timeouts, the last varying fastest. */
  static List<Setting> settings(PlanOptions options, Policy base) throws UsageException {
    List<Duration> idles = options.idle().isEmpty() ? List.of(base.idleTimeout()) : options.idle();
    for (Duration idle : idles) {
      if (idle.compareTo(base.granularity()) <= 0) {
        throw new UsageException("--idle " + Durations.format(idle) + " must be longer than the activity granularity ("
            + Durations.format(base.granularity()) + ", SNOOZE_ACTIVITY_GRANULARITY)");
      }
    }
    List<SleepMode> modes = new ArrayList<>();
    for (String mode : options.sleepModes()) {
      modes.add(mode(mode, "--sleep-mode"));
    }
    if (modes.isEmpty()) {
      modes.add(base.sleepMode());
    }
    Map<SleepMode, Duration> wakes = wakes(options.wake(), base);
    List<Labelled<WarmWindows>> windows = windows(options.windows(), base);
    List<Labelled<Budget>> budgets = budgets(options, base);

    List<Setting> settings = new ArrayList<>();
    for (Labelled<WarmWindows> window : windows) {
      for (Labelled<Budget> budget : budgets) {
        for (SleepMode mode : modes) {
          for (Duration idle : idles) {
            settings.add(new Setting(settings.size() + 1, base, idle, mode, wakes.get(mode), window, budget));
          }
        }
      }
    }
    return settings;
  }

  private static SleepMode mode(String text, String option) throws UsageException {
    for (SleepMode mode : SleepMode.values()) {
      if (mode.name().equalsIgnoreCase(text.strip())) {
        return mode;
      }
    }
    throw new UsageException(option + ": '" + text + "' is not a sleep mode: delete or stop");
  }

  /** {@code 4m} for every mode, or {@code delete=4m,stop=98s}; unnamed modes keep their defaults. */
  static Map<SleepMode, Duration> wakes(String text, Policy base) throws UsageException {
    Map<SleepMode, Duration> wakes = new EnumMap<>(SleepMode.class);
    wakes.put(SleepMode.DELETE, base.expectedWake());
    wakes.put(SleepMode.STOP, STOP_WAKE);
    if (text == null) {
      return wakes;
    }
    try {
      if (!text.contains("=")) {
        Duration all = Durations.parse(text);
        wakes.replaceAll((mode, wake) -> all);
        return wakes;
      }
      for (String entry : text.split(",", -1)) {
        int eq = entry.indexOf('=');
        if (eq < 0) {
          throw new UsageException("--wake '" + text + "': write one duration (4m) or MODE=DURATION,… (delete=4m,stop=98s)");
        }
        wakes.put(mode(entry.substring(0, eq), "--wake"), Durations.parse(entry.substring(eq + 1)));
      }
      return wakes;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--wake: " + e.getMessage());
    }
  }

  static List<Labelled<WarmWindows>> windows(String text, Policy base) throws UsageException {
    List<Labelled<WarmWindows>> windows = new ArrayList<>();
    if (text == null) {
      windows.add(new Labelled<>(base.windows().isEmpty() ? "none" : base.windows().toString(), base.windows()));
      return windows;
    }
    String[] alternatives = text.split("\\|", -1);
    for (int i = 0; i < alternatives.length; i++) {
      String alternative = alternatives[i].strip();
      if (alternative.equalsIgnoreCase("none")) {
        windows.add(new Labelled<>("none", WarmWindows.NONE));
        continue;
      }
      try {
        WarmWindows parsed = WarmWindows.parse(alternative);
        if (parsed.isEmpty()) {
          throw new IllegalArgumentException("is empty: write none for no window");
        }
        windows.add(new Labelled<>(alternative, parsed)); // as written: shorter than Mon,Tue,Wed,Thu,Fri
      } catch (IllegalArgumentException e) {
        throw new UsageException("--windows, alternative " + (i + 1) + " ('" + alternative + "'): " + e.getMessage());
      }
    }
    return windows;
  }

  static List<Labelled<Budget>> budgets(PlanOptions options, Policy base) throws UsageException {
    // The deployment's own budget (--set, once the functions read one from their environment) is the
    // default; the options override its parts.
    Budget configured = base.budget();
    ZoneId zone = configured.zone();
    if (options.budgetZone() != null) {
      try {
        zone = ZoneId.of(options.budgetZone());
      } catch (DateTimeException e) {
        throw new UsageException("--budget-zone '" + options.budgetZone() + "' is not a time zone (e.g. Europe/Warsaw, UTC)");
      }
    }
    Duration grace = options.budgetGrace() == null ? configured.grace() : options.budgetGrace();
    Map<String, Double> prices = new LinkedHashMap<>(configured.hourlyPrices());
    if (options.price() != null) {
      base.offers().forEach(offer -> prices.put(offer.mig(), options.price()));
    }
    Budget none = new Budget(zone, List.of(), prices, grace);
    List<Labelled<Budget>> budgets = new ArrayList<>();
    if (options.budgets().isEmpty()) {
      budgets.add(configured.capped()
          ? new Labelled<>(configured.caps().stream().map(Sweep::label).collect(Collectors.joining(",")),
              none.withCaps(configured.caps()))
          : new Labelled<>("none", none));
      return budgets;
    }
    for (String alternative : options.budgets()) {
      String written = alternative.strip().toLowerCase(Locale.ROOT);
      if (written.equals("none")) {
        budgets.add(new Labelled<>("none", none));
        continue;
      }
      List<Budget.Cap> caps = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (String cap : written.split(",", -1)) {
        Matcher m = CAP.matcher(cap.strip());
        if (!m.matches()) {
          throw new UsageException("--budget: '" + cap.strip() + "' is not a cap: write Nh/day or Nh/month (GPU hours),"
              + " N/day or N/month (money), e.g. 4h/day,100/month; or none");
        }
        boolean hours = !m.group(2).isEmpty();
        if (!hours && !none.priced(base.offers().stream().map(o -> o.mig()).toList())) {
          throw new UsageException("--budget " + cap.strip() + " is money: it needs --price (the price of one GPU VM hour)");
        }
        caps.add(new Budget.Cap(m.group(3).equals("day") ? Budget.Period.DAY : Budget.Period.MONTH,
            hours ? Budget.Unit.GPU_HOURS : Budget.Unit.MONEY, Double.parseDouble(m.group(1))));
        labels.add(m.group(1) + (hours ? "h" : "") + "/" + m.group(3));
      }
      budgets.add(new Labelled<>(String.join(",", labels), none.withCaps(caps)));
    }
    return budgets;
  }

  /** {@code 4h/day}, {@code 50/month}: a cap as --budget writes it. */
  private static String label(Budget.Cap cap) {
    String limit = cap.limit() == Math.rint(cap.limit()) ? Long.toString((long) cap.limit()) : Double.toString(cap.limit());
    return limit + (cap.unit() == Budget.Unit.GPU_HOURS ? "h" : "") + "/" + cap.period().wire();
  }

  /**
   * From the UTC midnight before the first request to the one after the last, or later if a
   * setting could still be awake for that request then: its longest hold or wake, the longest
   * request, the longest idle timeout and two checks. The same period for every setting, so that
   * their figures compare.
   */
  static Period period(Requests requests, List<Setting> settings, FrontendModel.Settings frontend) {
    long day = 86_400_000L;
    long first = requests.start(0);
    long last = requests.start(requests.size() - 1);
    long from = Math.floorDiv(first, day) * day;
    long longestTail = 0;
    for (Setting setting : settings) {
      Policy policy = setting.policy();
      long tail = Math.max(frontend.holdTimeout().toMillis(), setting.wake().toMillis())
          + policy.sleepAfter().toMillis() + 2 * policy.checkInterval().toMillis();
      longestTail = Math.max(longestTail, tail);
    }
    long to = Math.max(Math.floorDiv(last, day) * day + day, last + requests.longestDuration() + longestTail);
    return new Period(from, to);
  }

  /** Replays every setting, as many at once as {@code threads}; the outcomes in the settings' order. */
  static List<Outcome> run(Requests requests, List<Setting> settings, FrontendModel.Settings frontend, Period period,
      ExecutorService pool, Progress progress) {
    AtomicLong[] replayed = new AtomicLong[settings.size()];
    AtomicInteger finished = new AtomicInteger();
    List<Future<Outcome>> futures = new ArrayList<>();
    for (int i = 0; i < settings.size(); i++) {
      replayed[i] = new AtomicLong();
      Replay replay = new Replay(requests, settings.get(i), frontend, period.from(), period.to(), replayed[i]);
      futures.add(pool.submit(() -> {
        Outcome outcome = replay.run();
        finished.incrementAndGet();
        return outcome;
      }));
    }
    double total = (double) settings.size() * Math.max(1, requests.size());
    progress.show(() -> {
      long done = 0;
      for (AtomicLong r : replayed) {
        done += r.get();
      }
      return String.format(Locale.ROOT, "replaying %d setting%s over %,d requests: %.0f%%, %d of %d done",
          settings.size(), settings.size() == 1 ? "" : "s", requests.size(), 100 * done / total, finished.get(),
          settings.size());
    });
    List<Outcome> outcomes = new ArrayList<>();
    try {
      for (Future<Outcome> future : futures) {
        outcomes.add(future.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a replay failed: " + e.getCause(), e.getCause());
    }
    return outcomes;
  }
}
