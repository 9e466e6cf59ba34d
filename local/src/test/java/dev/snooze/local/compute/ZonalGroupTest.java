package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceGroupManagersStartInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.InstanceManagedByIgmError;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.ResizeInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The zonal group through the real client, on a hand-driven clock with the demo timings. */
class ZonalGroupTest {
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String MIG = "snooze-gpu";

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final GroupRef ref = GroupRef.zonal(P, Z, MIG);
  private ComputeSimulator sim;
  private InstanceGroupManagersClient client;
  private ZoneOperationsClient operations;

  @BeforeEach
  void start() throws Exception {
    // Demo timings (boot 20 s, start 8 s, stop 3 s, health 2 s); operations finish at once.
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withClock(clock).withOperationLatency(Duration.ZERO));
    sim.addGroup(ref);
    client = Clients.zonal(sim, true);
    operations = Clients.zoneOperations(sim);
  }

  @AfterEach
  void stop() {
    client.close();
    operations.close();
    sim.close();
  }

  private List<ManagedInstance> instances() {
    return StreamSupport.stream(client.listManagedInstances(P, Z, MIG).iterateAll().spliterator(), false).toList();
  }

  private Operation resize(int size) throws Exception {
    return client.resizeAsync(P, Z, MIG, size).get(10, TimeUnit.SECONDS);
  }

  @Test
  void getAndListDescribeTheGroup() {
    InstanceGroupManager mig = client.get(P, Z, MIG);
    assertThat(mig.getKind()).isEqualTo("compute#instanceGroupManager");
    assertThat(mig.getName()).isEqualTo(MIG);
    assertThat(mig.getTargetSize()).isZero();
    assertThat(mig.getSelfLink())
        .isEqualTo("https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instanceGroupManagers/snooze-gpu");
    assertThat(mig.getZone()).isEqualTo("https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a");
    assertThat(mig.getStatus().getIsStable()).isTrue();
    assertThat(client.list(P, Z).iterateAll()).extracting(InstanceGroupManager::getName).containsExactly(MIG);
    assertThat(client.list(P, "europe-west4-a").iterateAll()).isEmpty();
  }

  @Test
  void resizeUpBootsInstancesThatThenTurnHealthy() throws Exception {
    Operation op = resize(2);
    assertThat(op.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(op.getProgress()).isEqualTo(100);
    assertThat(op.getOperationType()).isEqualTo("compute.instanceGroupManagers.resize");
    assertThat(op.getTargetLink()).isEqualTo(ref.selfLink());

    assertThat(instances()).hasSize(2).allSatisfy(i -> {
      assertThat(i.getName()).matches("snooze-gpu-[a-z0-9]{4}");
      assertThat(i.getInstance()).startsWith(
          "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instances/snooze-gpu-");
      assertThat(i.getInstanceStatus()).isEqualTo("PROVISIONING");
      assertThat(i.getCurrentAction()).isEqualTo("CREATING");
    });
    InstanceGroupManager mig = client.get(P, Z, MIG);
    assertThat(mig.getTargetSize()).isEqualTo(2);
    assertThat(mig.getCurrentActions().getCreating()).isEqualTo(2);
    assertThat(mig.getStatus().getIsStable()).isFalse();

    clock.advance(Duration.ofSeconds(10));
    assertThat(instances()).extracting(ManagedInstance::getInstanceStatus).containsOnly("STAGING");
    clock.advance(Duration.ofSeconds(10));
    assertThat(instances()).allSatisfy(i -> {
      assertThat(i.getInstanceStatus()).isEqualTo("RUNNING");
      assertThat(i.getCurrentAction()).isEqualTo("VERIFYING");
      assertThat(i.getInstanceHealth(0).getDetailedHealthState()).isEqualTo("UNKNOWN");
    });
    assertThat(client.get(P, Z, MIG).getCurrentActions().getVerifying()).isEqualTo(2);
    assertThat(sim.serving(ref)).isFalse();

    clock.advance(Duration.ofSeconds(2));
    assertThat(instances()).allSatisfy(i -> {
      assertThat(i.getCurrentAction()).isEqualTo("NONE");
      assertThat(i.getInstanceHealth(0).getDetailedHealthState()).isEqualTo("HEALTHY");
    });
    mig = client.get(P, Z, MIG);
    assertThat(mig.getStatus().getIsStable()).isTrue();
    assertThat(mig.getCurrentActions().getNone()).isEqualTo(2);
    assertThat(sim.serving(ref)).isTrue();
  }

  @Test
  void resizeDownDeletesInstances() throws Exception {
    resize(2);
    clock.advance(Duration.ofSeconds(30));
    resize(0);
    assertThat(instances()).hasSize(2).allSatisfy(i -> {
      assertThat(i.getCurrentAction()).isEqualTo("DELETING");
      assertThat(i.getInstanceStatus()).isEqualTo("STOPPING");
    });
    assertThat(client.get(P, Z, MIG).getTargetSize()).isZero();
    assertThat(sim.serving(ref)).isFalse();
    clock.advance(Duration.ofSeconds(3));
    assertThat(instances()).isEmpty();
    assertThat(client.get(P, Z, MIG).getStatus().getIsStable()).isTrue();
  }

  @Test
  void stoppedInstancesStayAndStartFaster() throws Exception {
    resize(1);
    clock.advance(Duration.ofSeconds(30));
    String url = instances().get(0).getInstance();

    client.stopInstancesAsync(P, Z, MIG, InstanceGroupManagersStopInstancesRequest.newBuilder()
        .addInstances(url).setForceStop(true).build()).get(10, TimeUnit.SECONDS);
    InstanceGroupManager mig = client.get(P, Z, MIG);
    assertThat(mig.getTargetSize()).isZero();
    assertThat(mig.getTargetStoppedSize()).isEqualTo(1);
    assertThat(mig.getCurrentActions().getStopping()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(3));
    assertThat(instances()).singleElement().satisfies(i -> {
      assertThat(i.getInstanceStatus()).isEqualTo("TERMINATED");
      assertThat(i.getCurrentAction()).isEqualTo("NONE");
    });

    client.startInstancesAsync(P, Z, MIG, InstanceGroupManagersStartInstancesRequest.newBuilder()
        .addInstances(url).build()).get(10, TimeUnit.SECONDS);
    mig = client.get(P, Z, MIG);
    assertThat(mig.getTargetSize()).isEqualTo(1);
    assertThat(mig.getTargetStoppedSize()).isZero();
    assertThat(mig.getCurrentActions().getStarting()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(8));
    assertThat(instances().get(0).getInstanceStatus()).isEqualTo("RUNNING");
    clock.advance(Duration.ofSeconds(2));
    assertThat(sim.serving(ref)).isTrue();
  }

  @Test
  void aRepeatedRequestIdReturnsTheSameOperationAndChangesNothing() {
    String requestId = UUID.randomUUID().toString();
    ResizeInstanceGroupManagerRequest first = ResizeInstanceGroupManagerRequest.newBuilder()
        .setProject(P).setZone(Z).setInstanceGroupManager(MIG).setSize(2).setRequestId(requestId).build();
    Operation a = client.resizeCallable().call(first);
    Operation b = client.resizeCallable().call(first.toBuilder().setSize(5).build());
    assertThat(b.getName()).isEqualTo(a.getName());
    assertThat(b.getId()).isEqualTo(a.getId());
    assertThat(client.get(P, Z, MIG).getTargetSize()).isEqualTo(2);
    assertThat(instances()).hasSize(2);
  }

  @Test
  void anUnknownGroupIsNotFound() {
    assertThatThrownBy(() -> client.get(P, Z, "nope"))
        .isInstanceOf(NotFoundException.class)
        .rootCause()
        .hasMessageContaining("The resource 'projects/p/zones/us-central1-a/instanceGroupManagers/nope' was not found");
    assertThatThrownBy(() -> operations.get(P, Z, "operation-1"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aStockoutFailsTheOperationAndInstancesBootOnceCapacityReturns() throws Exception {
    sim.faults().stockout(Z);
    assertThatThrownBy(() -> resize(1))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.UNAVAILABLE));

    Operation op = client.resizeCallable().call(ResizeInstanceGroupManagerRequest.newBuilder()
        .setProject(P).setZone(Z).setInstanceGroupManager(MIG).setSize(2).build());
    Operation done = operations.wait(P, Z, op.getName());
    assertThat(done.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(done.getError().getErrors(0).getCode()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");
    assertThat(done.getError().getErrors(0).getMessage()).startsWith(
        "The zone 'projects/p/zones/us-central1-a' does not have enough resources available to fulfill the request.");

    assertThat(client.get(P, Z, MIG).getTargetSize()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(5));
    assertThat(instances()).hasSize(2).allSatisfy(i -> {
      assertThat(i.getCurrentAction()).isEqualTo("CREATING");
      assertThat(i.hasInstanceStatus()).isFalse();
      assertThat(i.getLastAttempt().getErrors().getErrors(0).getCode()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");
    });
    List<InstanceManagedByIgmError> errors =
        StreamSupport.stream(client.listErrors(P, Z, MIG).iterateAll().spliterator(), false).toList();
    assertThat(errors).hasSize(2).allSatisfy(e -> {
      assertThat(e.getError().getCode()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");
      assertThat(e.getInstanceActionDetails().getAction()).isEqualTo("CREATING");
      assertThat(e.getTimestamp()).isEqualTo("2026-01-01T00:00:00.000+00:00");
    });

    sim.faults().endStockout(Z);
    assertThat(instances()).extracting(ManagedInstance::getInstanceStatus).containsOnly("PROVISIONING");
    clock.advance(Duration.ofSeconds(22));
    assertThat(sim.serving(ref)).isTrue();
  }

  @Test
  void aSlowBootAppliesToInstancesCreatedAfterIt() throws Exception {
    sim.faults().bootTime(Duration.ofSeconds(60));
    resize(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(instances().get(0).getInstanceStatus()).isEqualTo("STAGING");
    clock.advance(Duration.ofSeconds(32));
    assertThat(sim.serving(ref)).isTrue();
  }
}
