package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersStartInstancesRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.ResizeRegionInstanceGroupManagerRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The regional group through the real client, on the wall clock with tiny timings. */
class RegionalGroupTest {
  private static final String P = "p";
  private static final String R = "us-central1";
  private static final String MIG = "snooze-gpu";

  private final GroupRef ref = GroupRef.regional(P, R, MIG, List.of("us-central1-a", "us-central1-b"));
  private ComputeSimulator sim;
  private RegionInstanceGroupManagersClient client;
  private RegionOperationsClient operations;

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults()
        .withBootTime(Duration.ofMillis(150))
        .withStartTime(Duration.ofMillis(50))
        .withStopTime(Duration.ofMillis(50))
        .withHealthDelay(Duration.ofMillis(50))
        .withOperationLatency(Duration.ofMillis(100)));
    sim.addGroup(ref);
    client = Clients.regional(sim);
    operations = Clients.regionOperations(sim);
  }

  @AfterEach
  void stop() {
    client.close();
    operations.close();
    sim.close();
  }

  private List<ManagedInstance> instances() {
    return StreamSupport.stream(client.listManagedInstances(P, R, MIG).iterateAll().spliterator(), false).toList();
  }

  @Test
  void resizeSpreadsOverTheZonesAndServesOnceHealthy() throws Exception {
    assertThat(client.get(P, R, MIG).getRegion())
        .isEqualTo("https://www.googleapis.com/compute/v1/projects/p/regions/us-central1");
    Operation op = client.resizeAsync(P, R, MIG, 2).get(10, TimeUnit.SECONDS);
    assertThat(op.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(op.getOperationType()).isEqualTo("compute.regionInstanceGroupManagers.resize");
    assertThat(op.getRegion()).isEqualTo("https://www.googleapis.com/compute/v1/projects/p/regions/us-central1");
    assertThat(op.hasEndTime()).isTrue();

    assertThat(instances()).extracting(i -> i.getInstance().replaceAll(".*/zones/([^/]+)/.*", "$1"))
        .containsExactlyInAnyOrder("us-central1-a", "us-central1-b");
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.serving(ref));
    await().atMost(Duration.ofSeconds(30)).until(() -> client.get(P, R, MIG).getStatus().getIsStable());
    assertThat(instances()).extracting(ManagedInstance::getInstanceStatus).containsOnly("RUNNING");
  }

  @Test
  void waitBlocksUntilTheOperationIsDone() {
    Operation running = client.resizeCallable().call(ResizeRegionInstanceGroupManagerRequest.newBuilder()
        .setProject(P).setRegion(R).setInstanceGroupManager(MIG).setSize(1).build());
    assertThat(running.getStatus()).isEqualTo(Operation.Status.RUNNING);
    assertThat(running.getProgress()).isZero();
    Operation done = operations.wait(P, R, running.getName());
    assertThat(done.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(done.getProgress()).isEqualTo(100);
    assertThat(operations.get(P, R, running.getName()).getEndTime()).isEqualTo(done.getEndTime());
  }

  @Test
  void stopAndStartThroughTheRegionalApi() throws Exception {
    client.resizeAsync(P, R, MIG, 1).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.serving(ref));
    String url = instances().get(0).getInstance();

    client.stopInstancesAsync(P, R, MIG, RegionInstanceGroupManagersStopInstancesRequest.newBuilder()
        .addInstances(url).build()).get(10, TimeUnit.SECONDS);
    assertThat(sim.serving(ref)).isFalse();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "TERMINATED".equals(instances().get(0).getInstanceStatus()));
    assertThat(client.get(P, R, MIG).getTargetStoppedSize()).isEqualTo(1);

    client.startInstancesAsync(P, R, MIG, RegionInstanceGroupManagersStartInstancesRequest.newBuilder()
        .addInstances(url).build()).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.serving(ref));
    assertThat(client.get(P, R, MIG).getTargetSize()).isEqualTo(1);
    assertThat(sim.calls()).containsKeys(
        "compute.regionInstanceGroupManagers.stopInstances",
        "compute.regionInstanceGroupManagers.startInstances",
        "compute.regionOperations.get");
  }
}
