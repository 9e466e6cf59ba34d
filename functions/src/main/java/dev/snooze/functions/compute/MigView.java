package dev.snooze.functions.compute;

import java.time.Instant;
import java.util.List;

/**
 * What Compute Engine reports about the MIG at one moment.
 *
 * @param targetSize the running instances the MIG aims for
 * @param targetStoppedSize the stopped instances it keeps (sleep mode STOP)
 * @param stable {@code status.isStable}: no action in progress
 * @param instances the managed instances
 * @param lastError the newest error from {@code listErrors}, or null
 */
public record MigView(
    int targetSize, int targetStoppedSize, boolean stable, List<Instance> instances, MigError lastError) {

  public MigView {
    instances = List.copyOf(instances);
  }

  /**
   * One managed instance.
   *
   * @param status {@code instanceStatus} (PROVISIONING, STAGING, RUNNING, STOPPING, TERMINATED…),
   *     empty while the MIG is still trying to create it
   * @param health the health check's verdict (HEALTHY, UNHEALTHY, UNKNOWN…), empty without one
   * @param action {@code currentAction} (CREATING, VERIFYING, NONE…)
   */
  public record Instance(String name, String zone, String status, String health, String action) {
    /** RUNNING and, where a health check reports on it, HEALTHY. */
    public boolean serving() {
      return "RUNNING".equals(status) && (health.isEmpty() || "HEALTHY".equals(health));
    }
  }

  /** An error Compute reported, e.g. {@code ZONE_RESOURCE_POOL_EXHAUSTED} (no GPUs in the zone). */
  public record MigError(String code, String message, Instant at) {
    public boolean stockout() {
      return code != null && code.startsWith("ZONE_RESOURCE_POOL_EXHAUSTED");
    }
  }

  public boolean serving() {
    return instances.stream().anyMatch(Instance::serving);
  }

  /** Instances that are or will be running (not stopped, stopping or being deleted). */
  public long active() {
    return instances.stream()
        .filter(i -> !i.status().equals("TERMINATED") && !i.status().equals("STOPPING")
            && !i.action().equals("DELETING") && !i.action().equals("STOPPING"))
        .count();
  }
}
