package dev.snooze.functions.decision;

import dev.snooze.config.GpuOffer;
import dev.snooze.functions.budget.Budget;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.scale.Scaling;
import dev.snooze.functions.schedule.WarmWindows;
import java.time.Duration;
import java.util.List;

/**
 * What the decisions need to know of the configuration.
 *
 * @param idleTimeout how long without activity before the GPU sleeps
 * @param desiredSize how many instances an awake MIG runs at least (all it runs without scaling)
 * @param granularity activity closer than this to the recorded one is not written (bounded
 *     writes); the sleep waits {@code idleTimeout + granularity} so that activity skipped this
 *     way can never be inside the idle window
 * @param wakeTimeout a wake not serving after this is an ERROR (e.g. no GPU capacity)
 * @param heartbeatTtl a heartbeat reporting requests in flight holds off sleep this long
 * @param claimLease a wake or sleep claimed longer ago than this, and not done, was abandoned
 * @param offers the GPU offers in order of preference: one MIG each
 * @param capacityTimeout an offer with no VM this long after its wake is given up for the next
 *     (with a single offer nothing is given up: the MIG keeps trying, as Compute does)
 * @param sleepMode how the GPU sleeps: a wake from STOP restarts a VM, much faster than creating one,
 *     so wake times are learned per mode
 * @param expectedWake the configured guess of a wake's length, shown until one was seen
 * @param windows when the operator wants the GPU kept awake whatever the activity
 * @param checkInterval how often the scheduled check runs: a window's wake is started this much
 *     earlier still, as the check that starts it may come that late
 * @param budget the caps on GPU time and money, and the zone the ledger's days are counted in
 * @param scaling how far beyond {@code desiredSize} (the least while awake) requests in flight scale the MIG
 */
public record Policy(
    Duration idleTimeout,
    int desiredSize,
    Duration granularity,
    Duration wakeTimeout,
    Duration heartbeatTtl,
    Duration claimLease,
    List<GpuOffer> offers,
    Duration capacityTimeout,
    SleepMode sleepMode,
    Duration expectedWake,
    WarmWindows windows,
    Duration checkInterval,
    Budget budget,
    Scaling scaling) {

  public Policy {
    offers = List.copyOf(offers);
    budget = budget == null ? Budget.NONE : budget;
    scaling = scaling == null ? Scaling.fixed(desiredSize) : scaling;
    if (offers.isEmpty()) {
      throw new IllegalArgumentException("at least one GPU offer is needed");
    }
    if (desiredSize < 1) {
      throw new IllegalArgumentException("desiredSize must be at least 1: " + desiredSize);
    }
    if (scaling.max() < desiredSize) {
      throw new IllegalArgumentException("the most VMs (" + scaling.max() + ") must not be below the desired size ("
          + desiredSize + ")");
    }
  }

  /** Sleeping in DELETE mode, with the default guess of a wake's length and no warm windows. */
  public Policy(Duration idleTimeout, int desiredSize, Duration granularity, Duration wakeTimeout,
      Duration heartbeatTtl, Duration claimLease, List<GpuOffer> offers, Duration capacityTimeout) {
    this(idleTimeout, desiredSize, granularity, wakeTimeout, heartbeatTtl, claimLease, offers, capacityTimeout,
        SleepMode.DELETE, DEFAULT_EXPECTED_WAKE, WarmWindows.NONE, Duration.ofMinutes(1), Budget.NONE, null);
  }

  /** A GPU VM created from a plain image, driver installed at boot: about four minutes (GCP-FACTS). */
  public static final Duration DEFAULT_EXPECTED_WAKE = Duration.ofMinutes(4);

  /** Idle time after which the GPU sleeps. */
  public Duration sleepAfter() {
    return idleTimeout.plus(granularity);
  }

  /** The same policy with these warm windows. */
  public Policy withWindows(WarmWindows value) {
    return new Policy(idleTimeout, desiredSize, granularity, wakeTimeout, heartbeatTtl, claimLease, offers,
        capacityTimeout, sleepMode, expectedWake, value, checkInterval, budget, scaling);
  }

  /** The same policy with this budget. */
  public Policy withBudget(Budget value) {
    return new Policy(idleTimeout, desiredSize, granularity, wakeTimeout, heartbeatTtl, claimLease, offers,
        capacityTimeout, sleepMode, expectedWake, windows, checkInterval, value, scaling);
  }

  /** The same policy sleeping in {@code mode}, a wake expected to take {@code wake} until one is learned. */
  public Policy withSleepMode(SleepMode mode, Duration wake) {
    return new Policy(idleTimeout, desiredSize, granularity, wakeTimeout, heartbeatTtl, claimLease, offers,
        capacityTimeout, mode, wake, windows, checkInterval, budget, scaling);
  }

  /** The same policy with this idle timeout. */
  public Policy withIdleTimeout(Duration value) {
    return new Policy(value, desiredSize, granularity, wakeTimeout, heartbeatTtl, claimLease, offers,
        capacityTimeout, sleepMode, expectedWake, windows, checkInterval, budget, scaling);
  }

  /** The same policy scaling this way. */
  public Policy withScaling(Scaling value) {
    return new Policy(idleTimeout, desiredSize, granularity, wakeTimeout, heartbeatTtl, claimLease, offers,
        capacityTimeout, sleepMode, expectedWake, windows, checkInterval, budget, value);
  }

  /** Whether the MIG may run more than {@code desiredSize} VMs. */
  public boolean scales() {
    return scaling.max() > desiredSize;
  }

  /** The most preferred offer: every wake from sleep begins with it. */
  public GpuOffer preferred() {
    return offers.get(0);
  }

  /** The offer with this MIG name; the preferred one for a name no longer configured. */
  public GpuOffer offer(String mig) {
    return offers.stream().filter(o -> o.mig().equals(mig)).findFirst().orElse(preferred());
  }

  /** Whether there is another offer to fail over to. */
  public boolean failover() {
    return offers.size() > 1;
  }
}

