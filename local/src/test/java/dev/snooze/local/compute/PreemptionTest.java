package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceManagedByIgmError;
import com.google.cloud.compute.v1.ManagedInstance;
import dev.snooze.local.compute.Scheduling.TerminationAction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compute preempting Spot VMs, seen through the real client on a hand-driven clock with the demo
 * timings (boot 20 s, start 8 s, stop 3 s, health 2 s): the VM stops, its group recreates it
 * under the same name (started again after STOP, created afresh after DELETE) if capacity
 * allows at that moment, and the group's target size never changes.
 */
class PreemptionTest {
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String STOPPED = "gpu-spot";
  private static final String DELETED = "gpu-spot-delete";
  private static final String STANDARD = "gpu";

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private ComputeSimulator sim;
  private InstanceGroupManagersClient client;

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withClock(clock).withOperationLatency(Duration.ZERO));
    sim.addGroup(GroupRef.zonal(P, Z, STOPPED), Scheduling.spot(TerminationAction.STOP));
    sim.addGroup(GroupRef.zonal(P, Z, DELETED), Scheduling.spot(TerminationAction.DELETE));
    sim.addGroup(GroupRef.zonal(P, Z, STANDARD));
    client = Clients.zonal(sim, true);
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
  }

  @Test
  void aPreemptedVmWithTheStopActionStopsThenIsStartedAgainUnderItsName() throws Exception {
    ManagedInstance before = wakeOne(STOPPED);

    assertThat(sim.faults().preempt(STOPPED)).containsExactly(before.getName());
    assertThat(only(STOPPED)).satisfies(i -> {
      assertThat(i.getInstanceStatus()).isEqualTo("STOPPING");
      assertThat(i.getCurrentAction()).isEqualTo("RECREATING");
      assertThat(i.getInstanceHealthCount()).isZero();
    });
    InstanceGroupManager mig = client.get(P, Z, STOPPED);
    assertThat(mig.getTargetSize()).isEqualTo(1);
    assertThat(mig.getCurrentActions().getRecreating()).isEqualTo(1);
    assertThat(mig.getStatus().getIsStable()).isFalse();
    assertThat(sim.serving(group(STOPPED))).isFalse();

    clock.advance(Duration.ofSeconds(3));
    assertThat(only(STOPPED).getInstanceStatus()).as("started again at once").isEqualTo("PROVISIONING");
    clock.advance(Duration.ofSeconds(8));
    assertThat(only(STOPPED)).satisfies(i -> {
      assertThat(i.getInstanceStatus()).isEqualTo("RUNNING");
      assertThat(i.getCurrentAction()).isEqualTo("VERIFYING");
    });
    clock.advance(Duration.ofSeconds(2));
    assertThat(only(STOPPED)).satisfies(i -> {
      assertThat(i.getName()).isEqualTo(before.getName());
      assertThat(i.getCurrentAction()).isEqualTo("NONE");
      assertThat(i.getInstanceHealth(0).getDetailedHealthState()).isEqualTo("HEALTHY");
    });
    assertThat(client.get(P, Z, STOPPED).getTargetSize()).isEqualTo(1);
    assertThat(sim.serving(group(STOPPED))).isTrue();
    assertThat(errors(STOPPED)).as("a preemption is not an error of the group").isEmpty();
  }

  @Test
  void aPreemptedVmWithTheDeleteActionIsCreatedAfreshTakingAFullBoot() throws Exception {
    String name = wakeOne(DELETED).getName();

    sim.faults().preempt(DELETED);
    clock.advance(Duration.ofSeconds(3));
    assertThat(only(DELETED)).satisfies(i -> {
      assertThat(i.getName()).isEqualTo(name);
      assertThat(i.getInstanceStatus()).isEqualTo("PROVISIONING");
      assertThat(i.getCurrentAction()).isEqualTo("RECREATING");
    });
    clock.advance(Duration.ofSeconds(10));
    assertThat(only(DELETED).getInstanceStatus()).as("a fresh VM boots slower than a restart").isEqualTo("STAGING");
    clock.advance(Duration.ofSeconds(12));
    assertThat(sim.serving(group(DELETED))).isTrue();
  }

  @Test
  void aRecreationThatMeetsAStockoutWaitsWithItsErrorUntilTheStockoutEnds() throws Exception {
    wakeOne(STOPPED);
    sim.faults().preempt(STOPPED);
    clock.advance(Duration.ofSeconds(1));
    // Capacity is judged when the recreation begins: this stockout, set while the VM stops, counts.
    sim.faults().stockoutGroup(STOPPED, StockoutKind.QUOTA_EXCEEDED);
    clock.advance(Duration.ofMinutes(10));

    assertThat(only(STOPPED)).satisfies(i -> {
      assertThat(i.getInstanceStatus()).isEqualTo("TERMINATED");
      assertThat(i.getCurrentAction()).isEqualTo("RECREATING");
      assertThat(i.getLastAttempt().getErrors().getErrors(0).getCode()).isEqualTo("QUOTA_EXCEEDED");
      assertThat(i.getLastAttempt().getErrors().getErrors(0).getMessage())
          .isEqualTo("Quota 'PREEMPTIBLE_NVIDIA_L4_GPUS' exceeded.  Limit: 0.0 in region us-central1.");
    });
    assertThat(errors(STOPPED)).singleElement().satisfies(e -> {
      assertThat(e.getError().getCode()).isEqualTo("QUOTA_EXCEEDED");
      assertThat(e.getInstanceActionDetails().getAction()).isEqualTo("RECREATING");
      assertThat(e.getTimestamp()).as("when the recreation began").isEqualTo("2026-01-01T00:00:25.000+00:00");
    });
    assertThat(client.get(P, Z, STOPPED).getTargetSize()).isEqualTo(1);
    // Asked again for one VM meanwhile, the MIG still has one: the one it is recreating.
    client.resizeAsync(P, Z, STOPPED, 1).get(10, TimeUnit.SECONDS);
    assertThat(instances(STOPPED)).hasSize(1);

    sim.faults().endGroupStockout(STOPPED);
    assertThat(only(STOPPED).getInstanceStatus()).isEqualTo("PROVISIONING");
    clock.advance(Duration.ofSeconds(10));
    assertThat(sim.serving(group(STOPPED))).isTrue();
  }

  @Test
  void aDeletedVmWaitingForItsZoneHasNoStatusAndAStockoutOverBeforeTheRecreationDelaysNothing() throws Exception {
    wakeOne(DELETED);
    sim.faults().stockout(Z);
    sim.faults().preempt(DELETED);
    clock.advance(Duration.ofSeconds(3));
    assertThat(only(DELETED)).satisfies(i -> {
      assertThat(i.hasInstanceStatus()).isFalse();
      assertThat(i.getCurrentAction()).isEqualTo("RECREATING");
      assertThat(i.getLastAttempt().getErrors().getErrors(0).getCode()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");
    });
    sim.faults().endStockout(Z);
    clock.advance(Duration.ofSeconds(22));
    assertThat(sim.serving(group(DELETED))).isTrue();

    // A stockout that starts and ends while the VM stops is over when the recreation begins.
    sim.faults().preempt(DELETED);
    sim.faults().stockout(Z);
    clock.advance(Duration.ofSeconds(1));
    sim.faults().endStockout(Z);
    clock.advance(Duration.ofSeconds(2));
    assertThat(only(DELETED).getInstanceStatus()).isEqualTo("PROVISIONING");
    assertThat(errors(DELETED)).hasSize(1);
  }

  @Test
  void onlyVmsThatHaveOneArePreemptedOneByNameIfAskedAndAStandardGroupNever() throws Exception {
    client.resizeAsync(P, Z, STOPPED, 2).get(10, TimeUnit.SECONDS);
    List<ManagedInstance> booting = instances(STOPPED);
    assertThat(sim.faults().preempt(STOPPED, booting.get(1).getName())).containsExactly(booting.get(1).getName());
    assertThat(instances(STOPPED)).extracting(ManagedInstance::getInstanceStatus)
        .containsExactly("PROVISIONING", "STOPPING");
    assertThat(sim.faults().preempt(STOPPED)).as("a stopping VM is not preempted again")
        .containsExactly(booting.get(0).getName());

    // Resized to 0 while being recreated: deleted, never recreated.
    client.resizeAsync(P, Z, STOPPED, 0).get(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(3));
    assertThat(instances(STOPPED)).isEmpty();
    assertThat(sim.faults().preempt(STOPPED)).isEmpty();

    wakeOne(STANDARD);
    assertThatThrownBy(() -> sim.faults().preempt(STANDARD)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("group 'gpu' is STANDARD: only a SPOT group's VMs are preempted");
    assertThatThrownBy(() -> sim.faults().preempt("nope")).hasMessage("no group named 'nope'");
    assertThatThrownBy(() -> sim.faults().preempt(STOPPED, "gpu-spot-zzzz"))
        .hasMessage("group 'gpu-spot' has no instance 'gpu-spot-zzzz'");
    assertThat(sim.serving(group(STANDARD))).isTrue();
  }

  /** Resizes the group to 1 and lets its VM boot and turn healthy. */
  private ManagedInstance wakeOne(String mig) throws Exception {
    client.resizeAsync(P, Z, mig, 1).get(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(22));
    assertThat(sim.serving(group(mig))).isTrue();
    return only(mig);
  }

  private static GroupRef group(String mig) {
    return GroupRef.zonal(P, Z, mig);
  }

  private ManagedInstance only(String mig) {
    List<ManagedInstance> all = instances(mig);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private List<ManagedInstance> instances(String mig) {
    return StreamSupport.stream(client.listManagedInstances(P, Z, mig).iterateAll().spliterator(), false).toList();
  }

  private List<InstanceManagedByIgmError> errors(String mig) {
    return StreamSupport.stream(client.listErrors(P, Z, mig).iterateAll().spliterator(), false).toList();
  }
}
