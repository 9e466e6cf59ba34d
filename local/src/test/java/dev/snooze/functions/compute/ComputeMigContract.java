package dev.snooze.functions.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.compute.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link ComputeMig} does to a MIG, checked against the Compute simulator through the real
 * client, on the wall clock with tiny timings. Run for a zonal and a regional MIG.
 */
abstract class ComputeMigContract {
  static final String P = "p";
  static final String NAME = "snooze-gpu";
  static final Duration SOON = Duration.ofSeconds(5);

  ComputeSimulator sim;
  ComputeMig mig;

  abstract GroupRef group();

  abstract MigLocation location();

  /** The API method id prefix: {@code compute.instanceGroupManagers.} or the regional one. */
  abstract String methods();

  /** A VM image without Snooze's startup script: it reports no stages, so health alone says it serves. */
  static SimulatorConfig tinyTimings() {
    return SimulatorConfig.defaults()
        .withStageReports(false)
        .withBootTime(Duration.ofMillis(100))
        .withStartTime(Duration.ofMillis(50))
        .withStopTime(Duration.ofMillis(50))
        .withHealthDelay(Duration.ofMillis(50))
        // Not zero: the client has to poll, as it does against the real API.
        .withOperationLatency(Duration.ofMillis(30));
  }

  static ComputeMig.Options fastOptions() {
    return ComputeMig.Options.defaults()
        .withOperationTimeout(SOON)
        .withPolling(ComputeMig.Options.polling(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), SOON));
  }

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(tinyTimings());
    sim.addGroup(group());
    mig = ComputeMig.create(location(), sim.baseUrl(), fastOptions());
  }

  @AfterEach
  void stop() {
    mig.close();
    sim.close();
  }

  static ConditionFactory soon() {
    return await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
  }

  long calls(String method) {
    return sim.calls().getOrDefault(methods() + method, 0L);
  }

  @Test
  void observesAnEmptyMigWithoutAskingForErrors() {
    MigView view = mig.observe();
    assertThat(view.targetSize()).isZero();
    assertThat(view.targetStoppedSize()).isZero();
    assertThat(view.stable()).isTrue();
    assertThat(view.instances()).isEmpty();
    assertThat(view.lastError()).isNull();
    assertThat(calls("listErrors")).isZero();
  }

  @Test
  void wakeResizesOnceThenTheInstanceServes() {
    assertThat(mig.wake(1, SleepMode.DELETE, "wake-1")).isNull();
    assertThat(calls("resize")).isEqualTo(1);

    MigView view = mig.observe();
    assertThat(view.targetSize()).isEqualTo(1);
    assertThat(view.instances()).singleElement().satisfies(i -> {
      assertThat(i.name()).startsWith(NAME + "-");
      assertThat(i.zone()).isIn(group().zones());
    });
    soon().until(() -> mig.observe().serving());
    assertThat(mig.observe().instances()).singleElement().satisfies(i -> {
      assertThat(i.status()).isEqualTo("RUNNING");
      assertThat(i.health()).isEqualTo("HEALTHY");
    });

    // Already at size: nothing to do, whatever the request id.
    assertThat(mig.wake(1, SleepMode.DELETE, "wake-2")).isNull();
    assertThat(calls("resize")).isEqualTo(1);
  }

  @Test
  void sleepDeletesTheInstances() {
    mig.wake(1, SleepMode.DELETE, "wake-1");
    soon().until(() -> mig.observe().serving());

    mig.sleep(SleepMode.DELETE, "sleep-1");
    assertThat(mig.observe().targetSize()).isZero();
    soon().until(() -> mig.observe().instances().isEmpty());
    assertThat(calls("resize")).isEqualTo(2);

    // Asleep already: no call.
    mig.sleep(SleepMode.DELETE, "sleep-2");
    assertThat(calls("resize")).isEqualTo(2);
  }

  @Test
  void stopModeStopsThenStartsTheSameInstances() {
    assertThat(mig.wake(1, SleepMode.STOP, "wake-1")).isNull();
    soon().until(() -> mig.observe().serving());
    List<String> names = mig.observe().instances().stream().map(MigView.Instance::name).toList();

    mig.sleep(SleepMode.STOP, "sleep-1");
    assertThat(calls("stopInstances")).isEqualTo(1);
    MigView asleep = mig.observe();
    assertThat(asleep.targetSize()).isZero();
    assertThat(asleep.targetStoppedSize()).isEqualTo(1);
    soon().until(() -> mig.observe().instances().stream()
        .allMatch(i -> i.status().equals("TERMINATED")));
    assertThat(mig.observe().active()).isZero();

    // Everything is stopped already: no call.
    mig.sleep(SleepMode.STOP, "sleep-2");
    assertThat(calls("stopInstances")).isEqualTo(1);

    assertThat(mig.wake(1, SleepMode.STOP, "wake-2")).isNull();
    assertThat(calls("startInstances")).isEqualTo(1);
    assertThat(calls("resize")).isEqualTo(1);
    MigView waking = mig.observe();
    assertThat(waking.targetSize()).isEqualTo(1);
    assertThat(waking.targetStoppedSize()).isZero();
    soon().until(() -> mig.observe().serving());
    assertThat(mig.observe().instances()).extracting(MigView.Instance::name).containsExactlyElementsOf(names);
  }

  @Test
  void stopModeWakeStartsWhatIsStoppedAndCreatesTheRest() {
    mig.wake(1, SleepMode.STOP, "wake-1");
    mig.sleep(SleepMode.STOP, "sleep-1");
    soon().until(() -> mig.observe().instances().stream()
        .allMatch(i -> i.status().equals("TERMINATED")));

    assertThat(mig.wake(2, SleepMode.STOP, "wake-2")).isNull();
    assertThat(calls("startInstances")).isEqualTo(1);
    assertThat(calls("resize")).isEqualTo(2);
    MigView view = mig.observe();
    assertThat(view.targetSize()).isEqualTo(2);
    assertThat(view.targetStoppedSize()).isZero();
    soon().until(() -> mig.observe().instances().stream().filter(MigView.Instance::serving).count() == 2);
  }

  @Test
  void aRepeatedRequestIdIsAppliedOnce() throws Exception {
    mig.wake(1, SleepMode.DELETE, "message-1");
    // The same message handled again elsewhere, with another decision: the API ignores the repeat.
    try (ComputeMig other = ComputeMig.create(location(), sim.baseUrl(), fastOptions())) {
      assertThat(other.wake(2, SleepMode.DELETE, "message-1")).isNull();
    }
    assertThat(calls("resize")).isEqualTo(2);
    MigView view = mig.observe();
    assertThat(view.targetSize()).isEqualTo(1);
    assertThat(view.instances()).hasSize(1);
  }

  @Test
  void aStockoutIsReturnedAndObservedWhileTheMigKeepsTrying() {
    group().zones().forEach(sim.faults()::stockout);

    MigView.MigError error = mig.wake(1, SleepMode.DELETE, "wake-1");
    assertThat(error).isNotNull();
    assertThat(error.stockout()).isTrue();
    assertThat(error.message()).contains("does not have enough resources");

    MigView view = mig.observe();
    assertThat(view.targetSize()).isEqualTo(1);
    assertThat(view.serving()).isFalse();
    assertThat(view.lastError()).isNotNull();
    assertThat(view.lastError().stockout()).isTrue();
    assertThat(view.instances()).singleElement().satisfies(i -> {
      assertThat(i.status()).isEmpty();
      assertThat(i.action()).isEqualTo("CREATING");
    });

    group().zones().forEach(sim.faults()::endStockout);
    soon().until(() -> mig.observe().serving());
    assertThat(calls("resize")).isEqualTo(1);
  }
}
