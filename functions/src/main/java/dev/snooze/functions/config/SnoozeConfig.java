package dev.snooze.functions.config;

import dev.snooze.config.Env;
import dev.snooze.config.GcpNames;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.MigLocation;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.budget.Budget;
import dev.snooze.functions.decision.Policy;
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
        checkInterval, endpoint, firestoreEmulator);
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
        operationTimeout.multipliedBy(2), offers, capacityTimeout, sleepMode, expectedWake, windows, checkInterval, Budget.NONE);
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
