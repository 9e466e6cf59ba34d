package dev.snooze.functions.compute;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An in-memory {@link Mig} for controller and decision tests. Woken instances serve at once
 * unless {@link #bootInstantly(boolean) bootInstantly(false)}, then {@link #finishBoot()} makes
 * them serve. Counts calls, records request ids (a repeated one changes nothing, as in the API)
 * and fails on demand: {@link #failNext}, {@link #failNextAfterApplying}, {@link #stockout}.
 */
public final class FakeMig implements Mig {
  public static final String ZONE = "fake-zone-a";

  private final Clock clock;
  private final List<MigView.Instance> instances = new ArrayList<>();
  private final Deque<RuntimeException> failures = new ArrayDeque<>();
  private final Deque<RuntimeException> failuresAfterApplying = new ArrayDeque<>();
  private final List<String> requestIds = new ArrayList<>();
  private final Set<String> applied = new HashSet<>();
  private int targetSize;
  private int targetStoppedSize;
  private int created;
  private int wakes;
  private int sleeps;
  private int scaleIns;
  private final List<String> drained = new ArrayList<>();
  private int observes;
  private boolean bootInstantly = true;
  private MigView.MigError stockout;
  private MigView.MigError lastError;

  public FakeMig() {
    this(Clock.systemUTC());
  }

  public FakeMig(Clock clock) {
    this.clock = clock;
  }

  /** The next call (observe, wake or sleep) throws {@code failure} instead; queued in order. */
  public synchronized FakeMig failNext(RuntimeException failure) {
    failures.add(failure);
    return this;
  }

  /**
   * The next wake or sleep is carried out, then throws {@code failure}: an operation Compute
   * accepted although the call timed out. Queued in order.
   */
  public synchronized FakeMig failNextAfterApplying(RuntimeException failure) {
    failuresAfterApplying.add(failure);
    return this;
  }

  /** Drops the failures not thrown yet. */
  public synchronized FakeMig clearFailures() {
    failures.clear();
    failuresAfterApplying.clear();
    return this;
  }

  public FakeMig failNextTransient() {
    return failNext(new TransientComputeException("fake: 503 from Compute", null));
  }

  public FakeMig failNextPermanent(String code) {
    return failNext(new PermanentComputeException(code, "fake: " + code, null));
  }

  /**
   * While on, woken (and preempted) instances wait for capacity, with the stockout as their
   * {@code lastAttempt} and in {@code listErrors}, and wake returns it.
   */
  public synchronized FakeMig stockout(boolean on) {
    stockout = on
        ? new MigView.MigError("ZONE_RESOURCE_POOL_EXHAUSTED",
            "The zone '" + ZONE + "' does not have enough resources available to fulfill the request.",
            null)
        : null;
    if (!on) {
      // Capacity is back: the instances the MIG kept retrying now boot.
      replaceAll(i -> i.status().isEmpty() ? booted(i.name()) : i);
    }
    return this;
  }

  /** false: woken instances stay PROVISIONING until {@link #finishBoot()}. */
  public synchronized FakeMig bootInstantly(boolean value) {
    bootInstantly = value;
    return this;
  }

  /** Every booting instance is now RUNNING and HEALTHY. */
  public synchronized void finishBoot() {
    replaceAll(i -> "PROVISIONING".equals(i.status()) ? serving(i.name()) : i);
  }

  /** Holds instances or aims for some: what a given-up offer must not. */
  public synchronized boolean holdsAny() {
    return targetSize > 0 || instances.stream().anyMatch(i -> !"TERMINATED".equals(i.status()));
  }

  public synchronized int wakeCalls() {
    return wakes;
  }

  public synchronized int sleepCalls() {
    return sleeps;
  }

  public synchronized int observeCalls() {
    return observes;
  }

  /** The request ids of wake and sleep calls, in order, repeats included. */
  public synchronized List<String> requestIds() {
    return List.copyOf(requestIds);
  }

  @Override
  public synchronized MigView observe() {
    observes++;
    throwIfFailing(failures);
    boolean stable = instances.stream().allMatch(i -> "NONE".equals(i.action()));
    return new MigView(targetSize, targetStoppedSize, stable, instances, lastError);
  }

  @Override
  public synchronized MigView.MigError wake(int desiredSize, SleepMode mode, String requestId) {
    wakes++;
    requestIds.add(requestId);
    throwIfFailing(failures);
    MigView.MigError error = applyWake(desiredSize, mode, requestId);
    throwIfFailing(failuresAfterApplying);
    return error;
  }

  private MigView.MigError applyWake(int desiredSize, SleepMode mode, String requestId) {
    // As ComputeMig: a MIG already at its size gets no call, so Compute never sees the id.
    if (targetSize >= desiredSize || !firstTime("wake", requestId)) {
      return null;
    }
    if (mode == SleepMode.STOP) {
      for (int n = 0; n < instances.size() && targetSize < desiredSize; n++) {
        MigView.Instance i = instances.get(n);
        if ("TERMINATED".equals(i.status())) {
          instances.set(n, stockout != null ? waiting(i.name()) : booted(i.name()));
          targetSize++;
          targetStoppedSize--;
        }
      }
    }
    while (targetSize < desiredSize) {
      String name = "fake-" + (++created);
      instances.add(stockout != null ? waiting(name) : booted(name));
      targetSize++;
    }
    return failedAttempt();
  }

  /** The stockout, as listErrors reports it for an attempt now; null without one. */
  private MigView.MigError failedAttempt() {
    if (stockout == null) {
      return null;
    }
    lastError = new MigView.MigError(stockout.code(), stockout.message(), clock.instant());
    return lastError;
  }

  /**
   * A spot VM is taken back: every instance with a VM loses it, and the MIG recreates it at once,
   * booting, or waiting while the stockout lasts. The target size stays.
   */
  public synchronized List<String> preempt() {
    List<String> preempted = new ArrayList<>();
    replaceAll(i -> {
      if (!i.hasVm()) {
        return i;
      }
      preempted.add(i.name());
      return stockout != null
          ? new MigView.Instance(i.name(), ZONE, "", "", "RECREATING", stockout)
          : new MigView.Instance(i.name(), ZONE, "PROVISIONING", "", "RECREATING");
    });
    if (!preempted.isEmpty()) {
      failedAttempt();
    }
    return preempted;
  }

  /** The instances removed by scale-ins, in order: each drained by the load balancer before it went. */
  public synchronized List<String> drained() {
    return List.copyOf(drained);
  }

  public synchronized int scaleInCalls() {
    return scaleIns;
  }

  /** As a MIG resizing down: the instances that serve nothing yet go first, then the newest. */
  @Override
  public synchronized void scaleIn(int size, String requestId) {
    scaleIns++;
    requestIds.add(requestId);
    throwIfFailing(failures);
    if (targetSize > size && firstTime("scale-in", requestId)) {
      List<MigView.Instance> running = new ArrayList<>(instances.stream()
          .filter(i -> !"TERMINATED".equals(i.status())).toList());
      running.sort(java.util.Comparator.comparing(MigView.Instance::serving));
      int remove = running.size() - size;
      for (int k = 0; k < remove; k++) {
        MigView.Instance gone = running.get(k);
        instances.remove(gone);
        drained.add(gone.name());
      }
      targetSize = size;
    }
    throwIfFailing(failuresAfterApplying);
  }

  @Override
  public synchronized void sleep(SleepMode mode, String requestId) {
    sleeps++;
    requestIds.add(requestId);
    throwIfFailing(failures);
    if (firstTime("sleep", requestId)) {
      if (mode == SleepMode.STOP) {
        replaceAll(i -> new MigView.Instance(i.name(), i.zone(), "TERMINATED", "", "NONE"));
        targetStoppedSize = instances.size();
      } else {
        instances.clear();
      }
      targetSize = 0;
    }
    throwIfFailing(failuresAfterApplying);
  }

  private boolean firstTime(String call, String requestId) {
    return requestId == null || applied.add(call + "|" + requestId);
  }

  private static void throwIfFailing(Deque<RuntimeException> queue) {
    RuntimeException next = queue.poll();
    if (next != null) {
      throw next;
    }
  }

  private void replaceAll(java.util.function.UnaryOperator<MigView.Instance> f) {
    instances.replaceAll(f);
  }

  private MigView.Instance booted(String name) {
    return bootInstantly ? serving(name) : new MigView.Instance(name, ZONE, "PROVISIONING", "", "CREATING");
  }

  private static MigView.Instance serving(String name) {
    return new MigView.Instance(name, ZONE, "RUNNING", "HEALTHY", "NONE");
  }

  private MigView.Instance waiting(String name) {
    return new MigView.Instance(name, ZONE, "", "", "CREATING", stockout);
  }
}
