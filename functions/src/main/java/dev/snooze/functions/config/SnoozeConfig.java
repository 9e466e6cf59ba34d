package dev.snooze.functions.config;

import dev.snooze.config.Env;
import dev.snooze.config.GcpNames;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.MigLocation;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.budget.Budget;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.scale.Scaling;
import dev.snooze.functions.schedule.WarmWindows;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The functions' configuration, from environment variables (Terraform sets them on each function;
 * the local stack on each local function). Validated once, at start-up: a bad value stops the
 * function with a message naming the variable and the fix, before any request is served.
 *
 * @param offers the GPU offers in order of preference ({@code SNOOZE_OFFERS}), or the one MIG of
 *     {@code SNOOZE_MIG} in {@code SNOOZE_ZONE} or {@code SNOOZE_REGION}
 * @param capacityTimeout how long an offer may go without a VM before the next one is woken
 * @param expectedWake the guess of a wake's length shown until this deployment has woken once
 * @param windows when the GPU is kept awake ({@code SNOOZE_WARM_WINDOWS})
 * @param checkInterval how often Cloud Scheduler calls Sleep ({@code SNOOZE_CHECK_INTERVAL})
 * @param budget the GPU budget: {@code SNOOZE_BUDGET_GPU_HOURS_PER_DAY}, {@code …_PER_MONTH},
 *     {@code SNOOZE_BUDGET_MONEY_PER_DAY}, {@code …_PER_MONTH}, {@code SNOOZE_GPU_PRICES},
 *     {@code SNOOZE_BUDGET_ZONE}, {@code SNOOZE_BUDGET_GRACE}
 * @param computeEndpoint null for Compute Engine itself; {@code http://...} for the local simulator
 * @param firestoreEmulatorHost null for Firestore itself; {@code HOST:PORT} of the emulator
 */
public record SnoozeConfig(
    String project,
    List<GpuOffer> offers,
    Duration idleTimeout,
    int desiredSize,
    SleepMode sleepMode,
    String collection,
    Duration activityGranularity,
    Duration wakeTimeout,
    Duration heartbeatTtl,
    Duration operationTimeout,
    Duration capacityTimeout,
    Duration expectedWake,
    WarmWindows windows,
    Duration checkInterval,
    Budget budget,
    Scaling scaling,
    String computeEndpoint,
    String firestoreEmulatorHost) {

  private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9_-]{1,100}");
  private static final Pattern ENDPOINT = Pattern.compile("https?://[^\\s/]+/?");

  /**
   * Reads and validates the configuration.
   *
   * @throws IllegalArgumentException naming every bad or missing variable and its fix
   */
  public static SnoozeConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String projectVar = env.raw("SNOOZE_PROJECT") != null ? "SNOOZE_PROJECT" : "GOOGLE_CLOUD_PROJECT";
    String project = env.string(projectVar, null, GcpNames.PROJECT, GcpNames.PROJECT_EXPECTED);
    if (project == null && env.raw(projectVar) == null) {
      env.problem("SNOOZE_PROJECT is not set: set it to the ID of the project that holds the GPU MIG");
    }
    List<GpuOffer> offers = offers(env);
    Duration idle = env.duration("SNOOZE_IDLE_TIMEOUT", Duration.ofMinutes(15));
    int desired = env.integer("SNOOZE_DESIRED_SIZE", 1, 1, 100);
    SleepMode mode = env.choice("SNOOZE_SLEEP_MODE", SleepMode.DELETE, SleepMode.class);
    String collection = env.string("SNOOZE_STATE_COLLECTION", "snooze", COLLECTION,
        "a Firestore collection ID: letters, digits, '-' or '_'");
    Duration granularity = env.duration("SNOOZE_ACTIVITY_GRANULARITY", Duration.ofSeconds(10));
    Duration wakeTimeout = env.duration("SNOOZE_WAKE_TIMEOUT", Duration.ofMinutes(10));
    Duration heartbeatTtl = env.duration("SNOOZE_HEARTBEAT_TTL", Duration.ofMinutes(2));
    Duration operationTimeout = env.duration("SNOOZE_OPERATION_TIMEOUT", Duration.ofSeconds(60));
    Duration capacityTimeout = env.duration("SNOOZE_CAPACITY_TIMEOUT", Duration.ofMinutes(2));
    Duration expectedWake = env.duration("SNOOZE_EXPECTED_WAKE", Policy.DEFAULT_EXPECTED_WAKE);
    Duration checkInterval = env.duration("SNOOZE_CHECK_INTERVAL", Duration.ofMinutes(1));
    WarmWindows windows = WarmWindows.NONE;
    try {
      windows = WarmWindows.parse(env.raw("SNOOZE_WARM_WINDOWS"));
    } catch (IllegalArgumentException e) {
      env.problem("SNOOZE_WARM_WINDOWS " + e.getMessage() + " (separate several with ';', or unset it for none)");
    }
    Budget budget = budget(env, offers);
    Scaling scaling = scaling(env, desired);
    String endpoint = env.string("SNOOZE_COMPUTE_ENDPOINT", null, ENDPOINT,
        "a base URL such as http://127.0.0.1:8090 (leave it unset for Compute Engine itself)");
    String firestoreEmulator = env.string("FIRESTORE_EMULATOR_HOST", null, GcpNames.HOST_PORT,
        GcpNames.HOST_PORT_EXPECTED + " (leave it unset for Firestore itself)");
    if (granularity.compareTo(idle) >= 0) {
      env.problem("SNOOZE_ACTIVITY_GRANULARITY=" + granularity + " must be shorter than"
          + " SNOOZE_IDLE_TIMEOUT=" + idle + ": lower it (e.g. 10)");
    }
    env.throwIfInvalid();
    return new SnoozeConfig(project, offers, idle, desired, mode, collection,
        granularity, wakeTimeout, heartbeatTtl, operationTimeout, capacityTimeout, expectedWake, windows,
        checkInterval, budget, scaling, endpoint, firestoreEmulator);
  }

  /** Scale-out: none unless SNOOZE_MAX_SIZE is above SNOOZE_DESIRED_SIZE (the least while awake). */
  private static Scaling scaling(Env env, int desired) {
    int max = env.integer("SNOOZE_MAX_SIZE", desired, 1, 100);
    int target = env.integer("SNOOZE_TARGET_IN_FLIGHT", Scaling.DEFAULT_TARGET_IN_FLIGHT, 1, 1000);
    Duration delay = env.duration("SNOOZE_SCALE_IN_DELAY", Scaling.DEFAULT_SCALE_IN_DELAY);
    if (max < desired) {
      env.problem("SNOOZE_MAX_SIZE=" + max + " is below SNOOZE_DESIRED_SIZE=" + desired
          + ": the most GPU VMs cannot be fewer than the least; raise SNOOZE_MAX_SIZE to at least " + desired
          + " (or unset it for a fixed size)");
      max = desired;
    }
    return new Scaling(max, Math.max(target, 1), delay == null ? Scaling.DEFAULT_SCALE_IN_DELAY : delay);
  }

  /** The budget's variables; a money cap needs a price for every offer. */
  private static Budget budget(Env env, List<GpuOffer> offers) {
    Double hoursPerDay = amount(env, "SNOOZE_BUDGET_GPU_HOURS_PER_DAY", "GPU hours, e.g. 8");
    Double hoursPerMonth = amount(env, "SNOOZE_BUDGET_GPU_HOURS_PER_MONTH", "GPU hours, e.g. 100");
    Double moneyPerDay = amount(env, "SNOOZE_BUDGET_MONEY_PER_DAY", "an amount in the prices' currency, e.g. 10");
    Double moneyPerMonth = amount(env, "SNOOZE_BUDGET_MONEY_PER_MONTH", "an amount in the prices' currency, e.g. 50");
    java.time.ZoneId zone = java.time.ZoneOffset.UTC;
    String zoneName = env.raw("SNOOZE_BUDGET_ZONE");
    if (zoneName != null) {
      try {
        zone = java.time.ZoneId.of(zoneName.trim());
      } catch (java.time.DateTimeException e) {
        env.problem("SNOOZE_BUDGET_ZONE=" + zoneName + " is not a time zone: give an IANA name such as Europe/Warsaw"
            + " or America/New_York (days and months of the budget begin at its midnight)");
      }
    }
    Duration grace = env.durationOrZero("SNOOZE_BUDGET_GRACE", Budget.DEFAULT_GRACE);
    Map<String, Double> prices = prices(env);
    if (offers != null) {
      List<String> migs = offers.stream().map(GpuOffer::mig).toList();
      for (String priced : prices.keySet()) {
        if (!migs.contains(priced)) {
          env.problem("SNOOZE_GPU_PRICES prices " + priced + ", which is not an offer (" + String.join(", ", migs)
              + "): fix the MIG name or remove it");
        }
      }
      if ((moneyPerDay != null || moneyPerMonth != null)) {
        List<String> unpriced = migs.stream().filter(m -> !prices.containsKey(m)).toList();
        if (!unpriced.isEmpty()) {
          env.problem("SNOOZE_BUDGET_MONEY_PER_" + (moneyPerDay != null ? "DAY" : "MONTH")
              + " is set but SNOOZE_GPU_PRICES has no price for " + String.join(", ", unpriced)
              + ": add one per offer (e.g. " + unpriced.get(0) + "=0.71), or cap GPU hours instead");
        }
      }
    }
    if (hoursPerDay == null && hoursPerMonth == null && moneyPerDay == null && moneyPerMonth == null
        && zoneName == null && prices.isEmpty()) {
      return Budget.NONE;
    }
    return new Budget(zone, Budget.caps(hoursPerDay, hoursPerMonth, moneyPerDay, moneyPerMonth), prices, grace);
  }

  private static Map<String, Double> prices(Env env) {
    try {
      return Budget.parsePrices(env.raw("SNOOZE_GPU_PRICES"));
    } catch (IllegalArgumentException e) {
      env.problem("SNOOZE_GPU_PRICES " + e.getMessage() + ": give the hourly price of one VM of each offer,"
          + " e.g. snooze-gpu=0.71,snooze-gpu-spot=0.28");
      return Map.of();
    }
  }

  /** A cap: a number of 0 or more, or unset for none. */
  private static Double amount(Env env, String name, String example) {
    String raw = env.raw(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      double value = Double.parseDouble(raw.trim());
      if (value >= 0 && !Double.isInfinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    env.problem(name + "=" + raw + " is not a budget: give a number of 0 or more (" + example + "), or unset it for no cap");
    return null;
  }

  /**
   * {@code SNOOZE_OFFERS}, or one STANDARD offer of {@code SNOOZE_MIG} in {@code SNOOZE_ZONE} or
   * {@code SNOOZE_REGION}: a deployment of one MIG reads as before. With {@code SNOOZE_OFFERS},
   * {@code SNOOZE_MIG} may be set too (to the first offer's MIG) but not contradict it.
   */
  private static List<GpuOffer> offers(Env env) {
    String mig = env.string("SNOOZE_MIG", "snooze-gpu", GcpNames.RESOURCE_NAME, GcpNames.RESOURCE_NAME_EXPECTED);
    String zone = env.string("SNOOZE_ZONE", null, GcpNames.ZONE, GcpNames.ZONE_EXPECTED);
    String region = env.string("SNOOZE_REGION", null, GcpNames.REGION, GcpNames.REGION_EXPECTED);
    String listed = env.raw("SNOOZE_OFFERS");
    if (listed != null) {
      List<GpuOffer> offers;
      try {
        offers = GpuOffer.parseList(listed);
      } catch (IllegalArgumentException e) {
        env.problem("SNOOZE_OFFERS " + e.getMessage() + ": set it to " + GpuOffer.FORMAT);
        return null;
      }
      if (env.raw("SNOOZE_MIG") != null && mig != null && !mig.equals(offers.get(0).mig())) {
        env.problem("SNOOZE_MIG=" + mig + " is not the first offer of SNOOZE_OFFERS (" + offers.get(0).mig()
            + "): unset SNOOZE_MIG, or list " + mig + " first");
      }
      return offers;
    }
    if (env.raw("SNOOZE_ZONE") == null && env.raw("SNOOZE_REGION") == null) {
      env.problem("SNOOZE_REGION is not set: set it to the regional MIG's region (e.g. us-central1),"
          + " set SNOOZE_ZONE for a zonal MIG, or list the GPU offers in SNOOZE_OFFERS (" + GpuOffer.FORMAT + ")");
    } else if (env.raw("SNOOZE_ZONE") != null && env.raw("SNOOZE_REGION") != null) {
      env.problem("SNOOZE_ZONE and SNOOZE_REGION are both set: keep SNOOZE_REGION for a regional"
          + " MIG or SNOOZE_ZONE for a zonal one");
    }
    String location = zone != null ? zone : region;
    if (mig == null || location == null) {
      return null;
    }
    return List.of(new GpuOffer(mig, location, GpuOffer.ProvisioningModel.STANDARD));
  }

  /** The decisions' view of the configuration. */
  public Policy policy() {
    // A claim older than two operation timeouts was abandoned (its function died mid-call).
    return new Policy(idleTimeout, desiredSize, activityGranularity, wakeTimeout, heartbeatTtl,
        operationTimeout.multipliedBy(2), offers, capacityTimeout, sleepMode, expectedWake, windows, checkInterval, budget,
        scaling);
  }

  /** The most preferred offer's MIG: with its location, it names the state document. */
  public String mig() {
    return offers.get(0).mig();
  }

  /** The most preferred offer's zone or region. */
  public String location() {
    return offers.get(0).location();
  }

  /** The most preferred offer's MIG. */
  public MigLocation migLocation() {
    return migLocation(offers.get(0));
  }

  /** The MIG of {@code offer}: zonal or regional as its location says. */
  public MigLocation migLocation(GpuOffer offer) {
    return offer.zonal()
        ? MigLocation.of(project, offer.location(), null, offer.mig())
        : MigLocation.of(project, null, offer.location(), offer.mig());
  }
}
