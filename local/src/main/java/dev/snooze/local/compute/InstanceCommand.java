package dev.snooze.local.compute;

import java.time.Duration;
import java.time.Instant;

/**
 * The last thing the group asked of one instance. Together with the clock it determines
 * everything reported about the instance (see {@link Lifecycle}); nothing else is stored.
 */
sealed interface InstanceCommand {

  Instant at();

  /**
   * Create a VM. {@code bootFrom} is null while the zone is stocked out: the group keeps the
   * instance and retries, and booting starts when capacity returns.
   */
  record Create(Instant at, Instant bootFrom, Duration boot) implements InstanceCommand {
    Create bootingFrom(Instant from, Duration bootTime) {
      return new Create(at, from, bootTime);
    }
  }

  /** Start a stopped VM; like {@link Create}, it waits for capacity when the zone has none. */
  record Start(Instant at, Instant bootFrom, Duration boot) implements InstanceCommand {
    Start bootingFrom(Instant from) {
      return new Start(at, from, boot);
    }
  }

  record Stop(Instant at, Duration stop) implements InstanceCommand {}

  /** Delete; {@code stop} is zero for an instance that never got a VM. */
  record Delete(Instant at, Duration stop) implements InstanceCommand {}
}
