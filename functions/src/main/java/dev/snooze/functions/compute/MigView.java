package dev.snooze.functions.compute;

import dev.snooze.functions.boot.BootReport;
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
   * @param lastAttempt the first error of {@code lastAttempt.errors} (why its creation or start
   *     failed last, e.g. a stockout), or null
   * @param boot the boot stages it reported ({@link BootReport#NONE} when none, or not read)
   */
  public record Instance(String name, String zone, String status, String health, String action,
      MigError lastAttempt, BootReport boot) {

    public Instance {
      boot = boot == null ? BootReport.NONE : boot;
    }

    /** An instance that reported no boot stages. */
    public Instance(String name, String zone, String status, String health, String action, MigError lastAttempt) {
      this(name, zone, status, health, action, lastAttempt, BootReport.NONE);
    }

    /** An instance whose last creation or start attempt reported nothing. */
    public Instance(String name, String zone, String status, String health, String action) {
      this(name, zone, status, health, action, null);
    }

    /**
     * RUNNING and, where a health check reports on it, HEALTHY; and, where it reports its boot
     * stages, past the warm-up: a container that answers while its model loads does not serve yet.
     */
    public boolean serving() {
      return "RUNNING".equals(status) && (health.isEmpty() || "HEALTHY".equals(health))
          && (boot.isEmpty() || boot.ready());
    }

    /** The same instance with the boot stages it reported. */
    public Instance withBoot(BootReport report) {
      return new Instance(name, zone, status, health, action, lastAttempt, report);
    }

    /** Has a VM: the zone found capacity for it (it may still be booting). */
    public boolean hasVm() {
      return "PROVISIONING".equals(status) || "STAGING".equals(status) || "RUNNING".equals(status);
    }
  }

  /** An error Compute reported, e.g. {@code ZONE_RESOURCE_POOL_EXHAUSTED} (no GPUs in the zone). */
  public record MigError(String code, String message, Instant at) {
    /** No GPUs in the zone, in both of the forms Compute reports it. */
    public boolean stockout() {
      return code != null && code.startsWith("ZONE_RESOURCE_POOL_EXHAUSTED");
    }

    /**
     * The offer cannot get a VM now: a stockout (spot capacity included: Compute reports it with
     * the same codes) or a quota (e.g. PREEMPTIBLE_NVIDIA_L4_GPUS at 0). Another offer may.
     */
    public boolean noCapacity() {
      return stockout() || "QUOTA_EXCEEDED".equals(code);
    }
  }

  public boolean serving() {
    return instances.stream().anyMatch(Instance::serving);
  }

  /** Some instance has a VM: the MIG found capacity (booting counts). */
  public boolean hasVm() {
    return instances.stream().anyMatch(Instance::hasVm);
  }

  /**
   * Why this MIG cannot get capacity, as reported since {@code since}: the newest {@code
   * listErrors} entry of that age, else the {@code lastAttempt} of an instance still waiting for a
   * VM (which carries no time: it is about the attempt under way). Null when neither says so.
   */
  public MigError noCapacitySince(Instant since) {
    if (lastError != null && lastError.noCapacity() && lastError.at() != null && !lastError.at().isBefore(since)) {
      return lastError;
    }
    return instances.stream()
        // Still trying (CREATING, STARTING, RECREATING): a stopped instance's old attempt is history.
        .filter(i -> !i.hasVm() && !"NONE".equals(i.action())
            && i.lastAttempt() != null && i.lastAttempt().noCapacity())
        .map(Instance::lastAttempt)
        .findFirst()
        .orElse(null);
  }

  /** Instances that are or will be running (not stopped, stopping or being deleted). */
  public long active() {
    return instances.stream()
        .filter(i -> !i.status().equals("TERMINATED") && !i.status().equals("STOPPING")
            && !i.action().equals("DELETING") && !i.action().equals("STOPPING"))
        .count();
  }
}
