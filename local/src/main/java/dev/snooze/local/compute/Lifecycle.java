package dev.snooze.local.compute;

import java.time.Duration;
import java.time.Instant;

/**
 * Pure derivation of an instance's reported state from its last command and the time now.
 * Keeping it free of state and I/O is what lets lifecycle tests run on a hand-driven clock.
 */
final class Lifecycle {
  /** Share of the boot spent PROVISIONING before STAGING; real VMs spend most time staging. */
  private static final double PROVISIONING_SHARE = 0.4;

  private Lifecycle() {}

  static InstanceView derive(InstanceCommand command, Instant now, Duration healthDelay) {
    if (command instanceof InstanceCommand.Create create) {
      return booting(create.bootFrom(), create.boot(), "CREATING", null, now, healthDelay);
    }
    if (command instanceof InstanceCommand.Start start) {
      return booting(start.bootFrom(), start.boot(), "STARTING", "TERMINATED", now, healthDelay);
    }
    if (command instanceof InstanceCommand.Stop stop) {
      return elapsed(stop.at(), now).compareTo(stop.stop()) < 0
          ? new InstanceView("STOPPING", "STOPPING", null, false, false)
          : new InstanceView("TERMINATED", "NONE", null, false, false);
    }
    if (command instanceof InstanceCommand.Preempt preempt) {
      return preempted(preempt, now, healthDelay);
    }
    InstanceCommand.Delete delete = (InstanceCommand.Delete) command;
    return elapsed(delete.at(), now).compareTo(delete.stop()) < 0
        ? new InstanceView("STOPPING", "DELETING", null, false, false)
        : new InstanceView(null, "NONE", null, false, true);
  }

  /**
   * Compute stops the VM; once it is down the group recreates it, all under the RECREATING
   * action. A stopped VM (STOP) waits TERMINATED, a deleted one (DELETE) has no VM while waiting.
   */
  private static InstanceView preempted(InstanceCommand.Preempt preempt, Instant now, Duration healthDelay) {
    if (now.isBefore(preempt.recreateAt())) {
      return new InstanceView("STOPPING", "RECREATING", null, false, false);
    }
    String statusWhileWaiting = preempt.action() == Scheduling.TerminationAction.STOP ? "TERMINATED" : null;
    return booting(preempt.bootFrom(), preempt.boot(), "RECREATING", statusWhileWaiting, now, healthDelay);
  }

  private static InstanceView booting(
      Instant bootFrom, Duration boot, String action, String statusWhileWaiting, Instant now, Duration healthDelay) {
    if (bootFrom == null) {
      return new InstanceView(statusWhileWaiting, action, null, true, false);
    }
    Duration since = elapsed(bootFrom, now);
    if (since.compareTo(boot) < 0) {
      boolean provisioning = since.toNanos() < boot.toNanos() * PROVISIONING_SHARE;
      return new InstanceView(provisioning ? "PROVISIONING" : "STAGING", action, null, false, false);
    }
    if (since.compareTo(boot.plus(healthDelay)) < 0) {
      return new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false);
    }
    return new InstanceView("RUNNING", "NONE", "HEALTHY", false, false);
  }

  /** Never negative: a clock that steps back must not make a VM un-boot. */
  private static Duration elapsed(Instant from, Instant now) {
    Duration d = Duration.between(from, now);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
