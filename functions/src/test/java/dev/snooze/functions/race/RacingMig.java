package dev.snooze.functions.race;

import dev.snooze.functions.compute.FakeMig;
import dev.snooze.functions.compute.Mig;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.compute.SleepMode;

/**
 * One invocation's view of the shared MIG: before each wake and sleep the schedule may let other
 * invocations act (between a decision and its Compute call), and each sleep is reported when the
 * Controller issues it, before that pause, so the check sees the world the sleep was decided in.
 */
final class RacingMig implements Mig {

  /**
   * Told of each sleep of this offer's MIG (a sleep of the GPU, or the give-up of an offer): when
   * the Controller issues it, and when Compute carries it out.
   */
  interface SleepWatch {
    void issued(String requestId, String mig);

    void applying(String requestId, String mig);
  }

  private final String name;
  private final FakeMig shared;
  private final Invocation invocation;
  private final SleepWatch watch;

  RacingMig(String name, FakeMig shared, Invocation invocation, SleepWatch watch) {
    this.name = name;
    this.shared = shared;
    this.invocation = invocation;
    this.watch = watch;
  }

  // No yield before a read: another step before it is the same as the invocation starting later.
  @Override
  public MigView observe() {
    return invocation.interact(shared::observe);
  }

  @Override
  public MigView.MigError wake(int desiredSize, SleepMode mode, String requestId) {
    invocation.yieldPoint("Compute wake " + requestId);
    return invocation.interact(() -> shared.wake(desiredSize, mode, requestId));
  }

  @Override
  public void scaleIn(int size, String requestId) {
    invocation.yieldPoint("Compute scale-in " + requestId);
    invocation.interact(() -> {
      shared.scaleIn(size, requestId);
      return null;
    });
  }

  @Override
  public void sleep(SleepMode mode, String requestId) {
    invocation.interact(() -> {
      watch.issued(requestId, name);
      return null;
    });
    invocation.yieldPoint("Compute sleep " + requestId);
    invocation.interact(() -> {
      watch.applying(requestId, name);
      shared.sleep(mode, requestId);
      return null;
    });
  }
}
