package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.ManagedInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connection draining, through the real client on a hand-driven clock: a RUNNING VM that a
 * resize removes stays RUNNING (DELETING, health DRAINING) for the drain timeout, taking no new
 * requests while the ones on it go on, then stops and goes; stopInstances never drains.
 */
class DrainingTest {
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String MIG = "snooze-gpu";
  /** Demo timings: a VM is healthy 22 s after its creation and stops in 3 s. */
  private static final Duration HEALTHY = Duration.ofSeconds(22);
  private static final Duration STOP = Duration.ofSeconds(3);
  private static final Duration DRAIN = Duration.ofSeconds(30);

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final GroupRef ref = GroupRef.zonal(P, Z, MIG);
  private ComputeSimulator sim;
  private InstanceGroupManagersClient client;

  private void start(Duration drainTimeout) throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withClock(clock).withOperationLatency(Duration.ZERO)
        .withDrainTimeout(drainTimeout));
    sim.addGroup(ref);
    client = Clients.zonal(sim, true);
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
  }

  @Test
  void resizingDownDrainsTheRemovedVmForTheTimeoutThenDeletesIt() throws Exception {
    start(DRAIN);
    List<String> vms = wake(2);

    resize(1);
    ManagedInstance removed = instances().stream().filter(i -> i.getCurrentAction().equals("DELETING"))
        .findFirst().orElseThrow();
    assertThat(removed.getInstanceStatus()).isEqualTo("RUNNING");
    assertThat(removed.getInstanceHealth(0).getDetailedHealthState()).isEqualTo("DRAINING");
    String kept = vms.stream().filter(vm -> !vm.equals(removed.getName())).findFirst().orElseThrow();
    assertThat(sim.backendInstances(List.of(ref)))
        .isEqualTo(new BackendInstances(List.of(kept), List.of(removed.getName())));
    assertThat(sim.servingInstances(List.of(ref))).containsExactly(kept);
    InstanceGroupManager mig = client.get(P, Z, MIG);
    assertThat(mig.getTargetSize()).isEqualTo(1);
    assertThat(mig.getCurrentActions().getDeleting()).isEqualTo(1);
    assertThat(mig.getStatus().getIsStable()).isFalse();

    clock.advance(DRAIN.minusSeconds(1));
    assertThat(instance(removed.getName()).getInstanceStatus()).as("still draining").isEqualTo("RUNNING");
    assertThat(sim.backendInstances(List.of(ref)).draining()).containsExactly(removed.getName());

    clock.advance(Duration.ofSeconds(1));
    assertThat(instance(removed.getName()).getInstanceStatus()).isEqualTo("STOPPING");
    assertThat(instance(removed.getName()).getCurrentAction()).isEqualTo("DELETING");
    assertThat(sim.backendInstances(List.of(ref))).as("its open streams are cut: the VM is no backend any more")
        .isEqualTo(new BackendInstances(List.of(kept), List.of()));

    clock.advance(STOP);
    assertThat(instances()).extracting(ManagedInstance::getName).containsExactly(kept);
    assertThat(client.get(P, Z, MIG).getStatus().getIsStable()).isTrue();
  }

  @Test
  void sleepsResizeToZeroDrainsEveryVm() throws Exception {
    start(DRAIN);
    List<String> vms = wake(2);

    resize(0);
    assertThat(sim.serving(ref)).as("nothing takes new requests").isFalse();
    assertThat(sim.backendInstances(List.of(ref)).draining()).containsExactlyInAnyOrderElementsOf(vms);
    clock.advance(DRAIN.plus(STOP));
    assertThat(instances()).isEmpty();
  }

  @Test
  void withoutADrainTimeoutAResizeStopsTheVmAtOnceAsBefore() throws Exception {
    start(Duration.ZERO);
    wake(1);

    resize(0);
    assertThat(instances()).singleElement().satisfies(i -> {
      assertThat(i.getInstanceStatus()).isEqualTo("STOPPING");
      assertThat(i.getCurrentAction()).isEqualTo("DELETING");
      assertThat(i.getInstanceHealthList()).isEmpty();
    });
    assertThat(sim.backendInstances(List.of(ref))).isEqualTo(new BackendInstances(List.of(), List.of()));
    clock.advance(STOP);
    assertThat(instances()).isEmpty();
  }

  @Test
  void stoppingAVmNeverDrains() throws Exception {
    start(DRAIN);
    String vm = wake(1).get(0);

    client.stopInstancesAsync(P, Z, MIG, InstanceGroupManagersStopInstancesRequest.newBuilder()
        .addInstances(instance(vm).getInstance()).build()).get(10, TimeUnit.SECONDS);
    assertThat(instance(vm).getInstanceStatus()).isEqualTo("STOPPING");
    assertThat(sim.backendInstances(List.of(ref))).isEqualTo(new BackendInstances(List.of(), List.of()));
    clock.advance(STOP);
    assertThat(instance(vm).getInstanceStatus()).isEqualTo("TERMINATED");
  }

  @Test
  void aVmStillBootingIsDeletedWithoutDraining() throws Exception {
    start(DRAIN);
    resize(1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(instances().get(0).getInstanceStatus()).isEqualTo("STAGING");

    resize(0);
    assertThat(instances().get(0).getInstanceStatus()).as("no request can be on it").isEqualTo("STOPPING");
    clock.advance(STOP);
    assertThat(instances()).isEmpty();
  }

  @Test
  void aDrainingVmIsNotReplacedAndAResizeUpCreatesAFreshOne() throws Exception {
    start(DRAIN);
    String first = wake(1).get(0);
    resize(0);

    resize(1);
    assertThat(instances()).hasSize(2);
    assertThat(instance(first).getCurrentAction()).as("a delete is final").isEqualTo("DELETING");
    clock.advance(HEALTHY);
    assertThat(sim.backendInstances(List.of(ref)).serving()).doesNotContain(first).hasSize(1);
    assertThat(sim.backendInstances(List.of(ref)).draining()).containsExactly(first);
  }

  @Test
  void aDrainingSpotVmThatIsPreemptedStopsAndIsNotRecreated() throws Exception {
    start(DRAIN);
    GroupRef spot = GroupRef.zonal(P, Z, "snooze-gpu-spot");
    sim.addGroup(spot, Scheduling.spot(Scheduling.TerminationAction.STOP));
    client.resizeAsync(P, Z, spot.name(), 1).get(10, TimeUnit.SECONDS);
    clock.advance(HEALTHY);
    client.resizeAsync(P, Z, spot.name(), 0).get(10, TimeUnit.SECONDS);
    String vm = sim.backendInstances(List.of(spot)).draining().get(0);

    assertThat(sim.faults().preempt(spot.name())).containsExactly(vm);
    assertThat(sim.backendInstances(List.of(spot))).as("its streams are cut at once")
        .isEqualTo(new BackendInstances(List.of(), List.of()));
    clock.advance(STOP.plus(HEALTHY));
    assertThat(client.listManagedInstances(P, Z, spot.name()).iterateAll()).as("the group was deleting it").isEmpty();
  }

  /** Resizes to {@code size} and lets the VMs turn healthy; returns their names. */
  private List<String> wake(int size) throws Exception {
    resize(size);
    clock.advance(HEALTHY);
    List<String> serving = sim.servingInstances(List.of(ref));
    assertThat(serving).hasSize(size);
    return serving;
  }

  private void resize(int size) throws Exception {
    client.resizeAsync(P, Z, MIG, size).get(10, TimeUnit.SECONDS);
  }

  private List<ManagedInstance> instances() {
    return StreamSupport.stream(client.listManagedInstances(P, Z, MIG).iterateAll().spliterator(), false).toList();
  }

  private ManagedInstance instance(String name) {
    return instances().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
  }
}
