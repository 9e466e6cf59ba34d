package dev.snooze.functions.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.boot.BootStage;
import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A VM running Snooze's startup script, read by {@link ComputeMig} through the real
 * {@code InstancesClient.getGuestAttributes}: it serves only once it reports {@code ready}, and a
 * report that is malformed or out of order never makes it serve.
 */
class ComputeMigBootStagesTest {
  private static final String ZONE = "us-central1-a";

  private ComputeSimulator sim;
  private ComputeMig mig;

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(ComputeMigContract.tinyTimings().withStageReports(true));
    sim.addGroup(GroupRef.zonal(ComputeMigContract.P, ZONE, ComputeMigContract.NAME));
    mig = ComputeMig.create(new MigLocation.Zone(ComputeMigContract.P, ZONE, ComputeMigContract.NAME), sim.baseUrl(),
        ComputeMigContract.fastOptions());
  }

  @AfterEach
  void stop() {
    mig.close();
    sim.close();
  }

  @Test
  void aHealthyVmServesOnlyOnceItReportsReadyAndABadReportNeverMakesItReady() {
    assertThat(mig.wake(1, SleepMode.DELETE, "wake-1")).isNull();
    MigView.Instance healthy = ComputeMigContract.soon().until(() -> mig.observe().instances().get(0),
        i -> "HEALTHY".equals(i.health()));
    assertThat(healthy.boot().current()).as("the container started: the model is not loaded yet")
        .isEqualTo(BootStage.STARTING_CONTAINER);
    assertThat(mig.observe().serving()).isFalse();

    String vm = healthy.name();
    Instant container = healthy.boot().at(BootStage.STARTING_CONTAINER);
    write(vm, "loading-model", container.plusMillis(10).toString());
    write(vm, "ready", "soon");
    assertThat(mig.observe().serving()).as("a malformed ready").isFalse();
    write(vm, "ready", container.minusSeconds(60).toString());
    assertThat(mig.observe().serving()).as("a ready before loading-model: out of order").isFalse();
    assertThat(mig.observe().instances().get(0).boot().problems()).singleElement().asString().contains("out of order");

    write(vm, "ready", container.plusMillis(20).toString());
    MigView view = mig.observe();
    assertThat(view.serving()).isTrue();
    assertThat(view.instances().get(0).boot().at(BootStage.READY)).isEqualTo(container.plusMillis(20));
  }

  @Test
  void aVmThatReportsNothingServesByItsHealth() throws Exception {
    try (ComputeSimulator plain = ComputeSimulator.start(ComputeMigContract.tinyTimings());
        ComputeMig other = ComputeMig.create(new MigLocation.Zone(ComputeMigContract.P, ZONE, "plain"),
            plain.baseUrl(), ComputeMigContract.fastOptions())) {
      plain.addGroup(GroupRef.zonal(ComputeMigContract.P, ZONE, "plain"));
      assertThat(other.wake(1, SleepMode.DELETE, "wake-1")).isNull();
      ComputeMigContract.soon().until(() -> other.observe().serving());
      assertThat(other.observe().instances().get(0).boot().isEmpty()).isTrue();
    }
  }

  private void write(String vm, String key, String value) {
    assertThat(sim.writeGuestAttribute(vm, BootStage.NAMESPACE, key, value)).isTrue();
  }
}
