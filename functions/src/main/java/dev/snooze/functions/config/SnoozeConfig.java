package dev.snooze.functions.config;

import dev.snooze.config.Env;
import dev.snooze.config.GcpNames;
import dev.snooze.functions.compute.MigLocation;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.decision.Policy;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The functions' configuration, from environment variables (Terraform sets them on each function;
 * the local stack on each local function). Validated once, at start-up: a bad value stops the
 * function with a message naming the variable and the fix, before any request is served.
 *
 * @param zone the zonal MIG's zone, or null for a regional MIG
 * @param region the regional MIG's region, or null for a zonal MIG
 * @param computeEndpoint null for Compute Engine itself; {@code http://...} for the local simulator
 * @param firestoreEmulatorHost null for Firestore itself; {@code HOST:PORT} of the emulator
 */
public record SnoozeConfig(
    String project,
    String zone,
    String region,
    String mig,
    Duration idleTimeout,
    int desiredSize,
    SleepMode sleepMode,
    String collection,
    Duration activityGranularity,
    Duration wakeTimeout,
    Duration heartbeatTtl,
    Duration operationTimeout,
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
    String zone = env.string("SNOOZE_ZONE", null, GcpNames.ZONE, GcpNames.ZONE_EXPECTED);
    String region = env.string("SNOOZE_REGION", null, GcpNames.REGION, GcpNames.REGION_EXPECTED);
    if (env.raw("SNOOZE_ZONE") == null && env.raw("SNOOZE_REGION") == null) {
      env.problem("SNOOZE_REGION is not set: set it to the regional MIG's region (e.g. us-central1),"
          + " or set SNOOZE_ZONE for a zonal MIG");
    } else if (env.raw("SNOOZE_ZONE") != null && env.raw("SNOOZE_REGION") != null) {
      env.problem("SNOOZE_ZONE and SNOOZE_REGION are both set: keep SNOOZE_REGION for a regional"
          + " MIG or SNOOZE_ZONE for a zonal one");
    }
    String mig = env.string("SNOOZE_MIG", "snooze-gpu", GcpNames.RESOURCE_NAME, GcpNames.RESOURCE_NAME_EXPECTED);
    Duration idle = env.duration("SNOOZE_IDLE_TIMEOUT", Duration.ofMinutes(15));
    int desired = env.integer("SNOOZE_DESIRED_SIZE", 1, 1, 100);
    SleepMode mode = env.choice("SNOOZE_SLEEP_MODE", SleepMode.DELETE, SleepMode.class);
    String collection = env.string("SNOOZE_STATE_COLLECTION", "snooze", COLLECTION,
        "a Firestore collection ID: letters, digits, '-' or '_'");
    Duration granularity = env.duration("SNOOZE_ACTIVITY_GRANULARITY", Duration.ofSeconds(10));
    Duration wakeTimeout = env.duration("SNOOZE_WAKE_TIMEOUT", Duration.ofMinutes(10));
    Duration heartbeatTtl = env.duration("SNOOZE_HEARTBEAT_TTL", Duration.ofMinutes(2));
    Duration operationTimeout = env.duration("SNOOZE_OPERATION_TIMEOUT", Duration.ofSeconds(60));
    String endpoint = env.string("SNOOZE_COMPUTE_ENDPOINT", null, ENDPOINT,
        "a base URL such as http://127.0.0.1:8090 (leave it unset for Compute Engine itself)");
    String firestoreEmulator = env.string("FIRESTORE_EMULATOR_HOST", null, GcpNames.HOST_PORT,
        GcpNames.HOST_PORT_EXPECTED + " (leave it unset for Firestore itself)");
    if (granularity.compareTo(idle) >= 0) {
      env.problem("SNOOZE_ACTIVITY_GRANULARITY=" + granularity + " must be shorter than"
          + " SNOOZE_IDLE_TIMEOUT=" + idle + ": lower it (e.g. 10)");
    }
    env.throwIfInvalid();
    return new SnoozeConfig(project, zone, region, mig, idle, desired, mode, collection,
        granularity, wakeTimeout, heartbeatTtl, operationTimeout, endpoint, firestoreEmulator);
  }

  /** The decisions' view of the configuration. */
  public Policy policy() {
    // A claim older than two operation timeouts was abandoned (its function died mid-call).
    return new Policy(idleTimeout, desiredSize, activityGranularity, wakeTimeout, heartbeatTtl,
        operationTimeout.multipliedBy(2));
  }

  /** The zone or the region. */
  public String location() {
    return zone != null ? zone : region;
  }

  /** The MIG these settings name: zonal or regional by the same rule as {@link #location()}. */
  public MigLocation migLocation() {
    return MigLocation.of(project, zone, region, mig);
  }
}
