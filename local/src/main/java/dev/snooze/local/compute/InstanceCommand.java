package dev.snooze.local.compute;

import java.time.Duration;
import java.time.Instant;

/**
 * The last thing the group asked of one instance. Together with the clock it determines
 * everything reported about the instance (see {@link Lifecycle}); nothing else is stored but
 * the guest attributes of the VM's runs ({@link InstanceRecord}).
 */
sealed interface InstanceCommand {

  Instant at();

  /** A command that boots a VM through the stages of {@link #boot()}, from {@link #bootFrom()}. */
  sealed interface Booting extends InstanceCommand {
    /** When booting starts; null while the group waits for capacity. */
    Instant bootFrom();

    BootTimes boot();
  }

  /**
   * Create a VM. {@code bootFrom} is null while the zone is stocked out: the group keeps the
   * instance and retries, and booting starts when capacity returns.
   */
  record Create(Instant at, Instant bootFrom, BootTimes boot) implements Booting {
    Create bootingFrom(Instant from, BootTimes bootTimes) {
      return new Create(at, from, bootTimes);
    }
  }

  /** Start a stopped VM; like {@link Create}, it waits for capacity when the zone has none. */
  record Start(Instant at, Instant bootFrom, BootTimes boot) implements Booting {
    Start bootingFrom(Instant from) {
      return new Start(at, from, boot);
    }
  }

  record Stop(Instant at, Duration stop) implements InstanceCommand {}

  /**
   * Delete: the VM first drains for {@code drain} (still RUNNING, no new requests from the load
   * balancer, the requests already on it go on), then stops for {@code stop}, then is gone.
   * {@code stop} is zero for an instance that never got a VM, {@code drain} zero without draining.
   */
  record Delete(Instant at, Duration drain, Duration stop) implements InstanceCommand {

    /** A delete without draining, as stopInstances-like paths and a VM never serving have it. */
    Delete(Instant at, Duration stop) {
      this(at, Duration.ZERO, stop);
    }
  }

  /**
   * Compute preempted a Spot VM: it is STOPPING for {@code stop}, then the group recreates it
   * at {@link #recreateAt()} (starts it again after a STOP, creates a fresh VM after a DELETE).
   * {@code bootFrom} is when the recreated VM starts booting: {@link #recreateAt()} when capacity
   * was there, null while the group waits for it.
   */
  record Preempt(Instant at, Duration stop, Scheduling.TerminationAction action, Instant bootFrom, BootTimes boot)
      implements Booting {

    Instant recreateAt() {
      return at.plus(stop);
    }

    Preempt waiting() {
      return new Preempt(at, stop, action, null, boot);
    }

    Preempt bootingFrom(Instant from) {
      return new Preempt(at, stop, action, from, boot);
    }
  }
}
