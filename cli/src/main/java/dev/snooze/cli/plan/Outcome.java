package dev.snooze.cli.plan;

import dev.snooze.functions.compute.SleepMode;

/**
 * What one setting did over the replayed period.
 *
 * @param from the period replayed, epoch ms (a UTC midnight)
 * @param to its end, epoch ms
 * @param requests requests replayed
 * @param coldStarts requests that had to wait for the GPU (those that gave up included)
 * @param timedOut requests held past the frontend's hold timeout: answered 503 without the GPU
 * @param overBudget requests answered 503 because the budget was used up: at once, or let go from the hold
 * @param wakes wakes claimed from sleep
 * @param gpuMillis VM-milliseconds charged: from each wake's claim to its sleep's claim, times the desired size
 * @param stoppedMillis VM-milliseconds asleep in stop mode (stopped VMs keep their disks, billed as
 *     disks); 0 in delete mode
 * @param all waits over every request (a timed-out one waited the hold timeout)
 * @param cold waits over the cold starts
 */
record Outcome(Setting setting, long from, long to, int requests, long coldStarts, long timedOut, long overBudget,
    long wakes,
    long gpuMillis, long stoppedMillis, Waits all, Waits cold) {

  /** The 50th and 95th percentiles of waits, ms (nearest rank); 0 when there are none. */
  record Waits(long p50, long p95) {
    static final Waits NONE = new Waits(0, 0);
  }

  double gpuHours() {
    return gpuMillis / 3_600_000.0;
  }

  double days() {
    return (to - from) / 86_400_000.0;
  }

  double gpuHoursPerDay() {
    return gpuHours() / days();
  }

  /** Cold starts as a percentage of requests. */
  double coldPercent() {
    return requests == 0 ? 0 : 100.0 * coldStarts / requests;
  }

  double timedOutPercent() {
    return requests == 0 ? 0 : 100.0 * timedOut / requests;
  }

  double overBudgetPercent() {
    return requests == 0 ? 0 : 100.0 * overBudget / requests;
  }

  /** What the period cost: GPU VM hours at {@code price}, and stopped VM hours at {@code stoppedPrice} in stop mode. */
  double cost(double price, double stoppedPrice) {
    double stopped = setting.mode() == SleepMode.STOP ? stoppedMillis / 3_600_000.0 * stoppedPrice : 0;
    return gpuHours() * price + stopped;
  }
}
