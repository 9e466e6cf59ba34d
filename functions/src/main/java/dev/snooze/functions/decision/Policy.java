package dev.snooze.functions.decision;

import java.time.Duration;

/**
 * What the decisions need to know of the configuration.
 *
 * @param idleTimeout how long without activity before the GPU sleeps
 * @param desiredSize how many instances an awake MIG runs
 * @param granularity activity closer than this to the recorded one is not written (bounded
 *     writes); the sleep waits {@code idleTimeout + granularity} so that activity skipped this
 *     way can never be inside the idle window
 * @param wakeTimeout a wake not serving after this is an ERROR (e.g. no GPU capacity)
 * @param heartbeatTtl a heartbeat reporting requests in flight holds off sleep this long
 * @param claimLease a wake or sleep claimed longer ago than this, and not done, was abandoned
 */
public record Policy(
    Duration idleTimeout,
    int desiredSize,
    Duration granularity,
    Duration wakeTimeout,
    Duration heartbeatTtl,
    Duration claimLease) {

  /** Idle time after which the GPU sleeps. */
  public Duration sleepAfter() {
    return idleTimeout.plus(granularity);
  }
}
