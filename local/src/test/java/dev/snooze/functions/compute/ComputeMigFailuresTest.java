package dev.snooze.functions.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.parallel.Isolated;

/** How {@link ComputeMig} reports what goes wrong, against faults injected into the simulator. */
@Isolated // it bounds operations to a second or so: a busy machine would decide, not the code
class ComputeMigFailuresTest {
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String NAME = "snooze-gpu";
  private static final String RESIZE = "compute.instanceGroupManagers.resize";
  private static final String GET = "compute.instanceGroupManagers.get";

  private final MigLocation.Zone location = new MigLocation.Zone(P, Z, NAME);
  private ComputeSimulator sim;
  private ComputeMig mig;

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(ComputeMigContract.tinyTimings());
    sim.addGroup(GroupRef.zonal(P, Z, NAME));
    mig = ComputeMig.create(location, sim.baseUrl(), ComputeMigContract.fastOptions());
  }

  @AfterEach
  void stop() {
    mig.close();
    sim.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 503})
  void aFailedResizeIsTransientAndNotRetriedByTheLibrary(int status) {
    sim.faults().failNext(RESIZE, 1, status);
    assertThatThrownBy(() -> mig.wake(1, SleepMode.DELETE, "wake-1"))
        .isInstanceOf(TransientComputeException.class)
        .hasMessageContaining("resize to 1 on MIG projects/p/zones/us-central1-a/instanceGroupManagers/snooze-gpu")
        .hasMessageContaining("retry later");
    // A POST is not retried by the library by default: one call, and nothing changed.
    assertThat(sim.calls()).containsEntry(RESIZE, 1L);
    assertThat(mig.observe().targetSize()).isZero();

    // The caller's retry, with the same request id, goes through.
    assertThat(mig.wake(1, SleepMode.DELETE, "wake-1")).isNull();
    assertThat(mig.observe().targetSize()).isEqualTo(1);
  }

  @Test
  void theLibraryRetriesAnUnavailableReadByItself() {
    sim.faults().failNext(GET, 1, 503);
    assertThat(mig.observe().targetSize()).isZero();
    assertThat(sim.calls()).containsEntry(GET, 2L);
  }

  @Test
  void aReadFailingBeyondTheBoundIsTransient() throws Exception {
    ComputeMig.Options tight = ComputeMigContract.fastOptions().withOperationTimeout(Duration.ofMillis(300));
    try (ComputeMig bounded = ComputeMig.create(location, sim.baseUrl(), tight)) {
      sim.faults().failNext(GET, 1000, 503);
      // Whichever comes first on a loaded machine: the last 503, or the bound itself.
      assertThatThrownBy(bounded::observe)
          .isInstanceOf(TransientComputeException.class)
          .hasMessageMatching("(?s).*(UNAVAILABLE|DEADLINE_EXCEEDED).*");
    }
  }

  @Test
  void anUnknownZonalMigIsPermanentWithWhatToCheck() throws Exception {
    try (ComputeMig unknown = ComputeMig.create(new MigLocation.Zone(P, Z, "nope"), sim.baseUrl(),
        ComputeMigContract.fastOptions())) {
      assertThatThrownBy(() -> unknown.wake(1, SleepMode.DELETE, "wake-1"))
          .isInstanceOfSatisfying(PermanentComputeException.class,
              e -> assertThat(e.code()).isEqualTo("NOT_FOUND"))
          .hasMessageStartingWith("MIG projects/p/zones/us-central1-a/instanceGroupManagers/nope not found: "
              + "check SNOOZE_PROJECT, SNOOZE_MIG / SNOOZE_ZONE");
      assertThatThrownBy(unknown::observe).isInstanceOf(PermanentComputeException.class);
    }
  }

  @Test
  void anUnknownRegionalMigIsPermanentWithWhatToCheck() throws Exception {
    sim.addGroup(GroupRef.regional(P, "us-central1", NAME, List.of(Z)));
    try (ComputeMig unknown = ComputeMig.create(new MigLocation.Region(P, "europe-west4", NAME), sim.baseUrl(),
        ComputeMigContract.fastOptions())) {
      assertThatThrownBy(() -> unknown.sleep(SleepMode.STOP, "sleep-1"))
          .isInstanceOfSatisfying(PermanentComputeException.class,
              e -> assertThat(e.code()).isEqualTo("NOT_FOUND"))
          .hasMessageStartingWith("MIG projects/p/regions/europe-west4/instanceGroupManagers/snooze-gpu not found: "
              + "check SNOOZE_PROJECT, SNOOZE_MIG / SNOOZE_REGION");
    }
  }

  @Test
  void anOperationNotDoneWithinTheBoundIsTransient() throws Exception {
    try (ComputeSimulator slow = ComputeSimulator.start(ComputeMigContract.tinyTimings()
            .withOperationLatency(Duration.ofSeconds(30)));
        ComputeMig bounded = ComputeMig.create(location, slow.baseUrl(),
            ComputeMigContract.fastOptions().withOperationTimeout(Duration.ofMillis(300)))) {
      slow.addGroup(GroupRef.zonal(P, Z, NAME));
      long started = System.nanoTime();
      assertThatThrownBy(() -> bounded.wake(1, SleepMode.DELETE, "wake-1"))
          .isInstanceOf(TransientComputeException.class)
          .hasMessageContaining("not done within");
      // Given up at the 300 ms bound, not when the operation ends (30 s): a 10 s bound tells the
      // two apart whatever the machine's load.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aStockoutInTheFirstAnswerIsReturnedToo() throws Exception {
    // An operation already DONE in the resize answer is never polled: the error is read from it.
    try (ComputeSimulator instant = ComputeSimulator.start(ComputeMigContract.tinyTimings()
            .withOperationLatency(Duration.ZERO));
        ComputeMig fast = ComputeMig.create(location, instant.baseUrl(), ComputeMigContract.fastOptions())) {
      instant.addGroup(GroupRef.zonal(P, Z, NAME));
      instant.faults().stockout(Z);
      assertThat(fast.wake(1, SleepMode.DELETE, "wake-1"))
          .satisfies(e -> assertThat(e.stockout()).isTrue());
      assertThat(instant.calls()).doesNotContainKey("compute.zoneOperations.get");
    }
  }

  @Test
  void anInterruptIsTransientAndKeepsTheFlag() throws Exception {
    try (ComputeSimulator slow = ComputeSimulator.start(ComputeMigContract.tinyTimings()
            .withOperationLatency(Duration.ofSeconds(30)));
        ComputeMig waiting = ComputeMig.create(location, slow.baseUrl(), ComputeMigContract.fastOptions())) {
      slow.addGroup(GroupRef.zonal(P, Z, NAME));
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> waiting.wake(1, SleepMode.DELETE, "wake-1"))
            .isInstanceOf(TransientComputeException.class)
            .hasMessageContaining("interrupted");
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
    }
  }
}
