package dev.snooze.functions.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The fake's ways to fail that the race properties use (its other behaviour: local's FakeMigTest). */
class FakeMigFailuresTest {
  private final FakeMig mig = new FakeMig();

  @Test
  void anOperationCanGoThroughYetTheCallFail() {
    mig.failNextAfterApplying(new TransientComputeException("operation not done in time", null));

    assertThatThrownBy(() -> mig.wake(1, SleepMode.DELETE, "w1")).isInstanceOf(TransientComputeException.class);
    assertThat(mig.observe().targetSize()).isEqualTo(1);
    assertThat(mig.wake(1, SleepMode.DELETE, "w1")).as("the retry finds it done").isNull();

    mig.failNextAfterApplying(new TransientComputeException("operation not done in time", null));
    assertThatThrownBy(() -> mig.sleep(SleepMode.DELETE, "s1")).isInstanceOf(TransientComputeException.class);
    assertThat(mig.observe().targetSize()).isZero();
  }

  @Test
  void clearedFailuresAreNeverThrown() {
    mig.failNextTransient().failNextAfterApplying(new TransientComputeException("timeout", null)).clearFailures();

    assertThat(mig.wake(1, SleepMode.DELETE, "w1")).isNull();
    assertThat(mig.observe().serving()).isTrue();
  }

  @Test
  void aWakeOfAMigAlreadyAtItsSizeLeavesItsRequestIdUnused() {
    // As ComputeMig, which sends no resize then: Compute never sees the id, so a later retry works.
    mig.wake(1, SleepMode.DELETE, "w1");
    mig.wake(1, SleepMode.DELETE, "w2");
    mig.sleep(SleepMode.DELETE, "s1");

    mig.wake(1, SleepMode.DELETE, "w2");

    assertThat(mig.observe().targetSize()).isEqualTo(1);
  }
}
