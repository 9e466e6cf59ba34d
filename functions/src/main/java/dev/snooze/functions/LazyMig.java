package dev.snooze.functions;

import dev.snooze.functions.compute.Mig;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.compute.SleepMode;

/** The MIG through a Compute client built on first use ({@link Lazy}). */
final class LazyMig implements Mig {
  private final Lazy<? extends Mig> mig;

  LazyMig(Lazy<? extends Mig> mig) {
    this.mig = mig;
  }

  @Override
  public MigView observe() {
    return mig.get().observe();
  }

  @Override
  public MigView.MigError wake(int desiredSize, SleepMode mode, String requestId) {
    return mig.get().wake(desiredSize, mode, requestId);
  }

  @Override
  public void scaleIn(int size, String requestId) {
    mig.get().scaleIn(size, requestId);
  }

  @Override
  public void sleep(SleepMode mode, String requestId) {
    mig.get().sleep(mode, requestId);
  }
}
