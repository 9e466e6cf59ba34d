package dev.snooze.functions.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The fake beside {@link ComputeMig}, as the controller and the race properties use it. */
class FakeMigTest {
  private final FakeMig mig = new FakeMig();

  @Test
  void wokenInstancesServeAtOnceAndSleepDeletesThem() {
    assertThat(mig.wake(2, SleepMode.DELETE, "w1")).isNull();
    assertThat(mig.observe().serving()).isTrue();
    assertThat(mig.observe().instances()).hasSize(2);
    mig.sleep(SleepMode.DELETE, "s1");
    assertThat(mig.observe().instances()).isEmpty();
    assertThat(mig.wakeCalls()).isEqualTo(1);
    assertThat(mig.sleepCalls()).isEqualTo(1);
    assertThat(mig.requestIds()).containsExactly("w1", "s1");
  }

  @Test
  void aRepeatedRequestIdChangesNothing() {
    mig.wake(1, SleepMode.DELETE, "w1");
    mig.wake(3, SleepMode.DELETE, "w1");
    assertThat(mig.observe().targetSize()).isEqualTo(1);
    assertThat(mig.wakeCalls()).isEqualTo(2);
  }

  @Test
  void stopModeKeepsAndRestartsTheSameInstances() {
    mig.wake(1, SleepMode.STOP, "w1");
    mig.sleep(SleepMode.STOP, "s1");
    MigView asleep = mig.observe();
    assertThat(asleep.targetStoppedSize()).isEqualTo(1);
    assertThat(asleep.instances()).extracting(MigView.Instance::status).containsExactly("TERMINATED");
    mig.wake(1, SleepMode.STOP, "w2");
    assertThat(mig.observe().instances()).extracting(MigView.Instance::name).containsExactly("fake-1");
    assertThat(mig.observe().serving()).isTrue();
  }

  @Test
  void bootCanBeHeldBack() {
    mig.bootInstantly(false).wake(1, SleepMode.DELETE, "w1");
    assertThat(mig.observe().serving()).isFalse();
    assertThat(mig.observe().stable()).isFalse();
    mig.finishBoot();
    assertThat(mig.observe().serving()).isTrue();
  }

  @Test
  void failuresAreThrownOnceInOrder() {
    mig.failNextTransient().failNextPermanent("NOT_FOUND");
    assertThatThrownBy(() -> mig.wake(1, SleepMode.DELETE, "w1")).isInstanceOf(TransientComputeException.class);
    assertThatThrownBy(mig::observe).isInstanceOfSatisfying(PermanentComputeException.class,
        e -> assertThat(e.code()).isEqualTo("NOT_FOUND"));
    assertThat(mig.wake(1, SleepMode.DELETE, "w1")).isNull();
  }

  @Test
  void aStockoutIsReturnedUntilCapacityReturns() {
    mig.stockout(true);
    assertThat(mig.wake(1, SleepMode.DELETE, "w1").stockout()).isTrue();
    assertThat(mig.observe().lastError().stockout()).isTrue();
    assertThat(mig.observe().serving()).isFalse();
    mig.stockout(false);
    assertThat(mig.observe().serving()).isTrue();
  }

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
