package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.InstanceManagedByIgmError;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.QuotaExceededInfo;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersStartInstancesRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.ResizeRegionInstanceGroupManagerRequest;
import dev.snooze.local.compute.Scheduling.TerminationAction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stockouts of one group (a MIG, in all its zones) of each kind, and of a zone, as the functions
 * meet them through the real client: the resize or start operation's error, {@code listErrors},
 * and the waiting instance's {@code lastAttempt}. Two regional groups share the region's zones,
 * a SPOT one and a STANDARD one, as two GPU offers do; demo timings on a hand-driven clock.
 */
class GroupStockoutTest {
  private static final String P = "p";
  private static final String R = "us-central1";
  private static final String SPOT = "gpu-spot";
  private static final String STANDARD = "gpu";
  private static final List<String> ZONES = List.of("us-central1-a", "us-central1-b", "us-central1-c");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final TestClock clock = new TestClock(T0);
  private ComputeSimulator sim;
  private RegionInstanceGroupManagersClient client;

  @BeforeEach
  void start() throws Exception {
    // Demo timings (boot 20 s, start 8 s, stop 3 s, health 2 s); operations finish at once.
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withClock(clock).withOperationLatency(Duration.ZERO));
    sim.addGroup(GroupRef.regional(P, R, SPOT, ZONES), Scheduling.spot(TerminationAction.STOP));
    sim.addGroup(GroupRef.regional(P, R, STANDARD, ZONES));
    client = Clients.regional(sim);
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
  }

  @ParameterizedTest
  @EnumSource(StockoutKind.class)
  void aGroupStockoutFailsItsResizeListsTheErrorAndShowsItOnEveryWaitingInstance(StockoutKind kind) throws Exception {
    sim.faults().stockoutGroup(SPOT, kind);

    Operation op = client.resizeCallable().call(ResizeRegionInstanceGroupManagerRequest.newBuilder()
        .setProject(P).setRegion(R).setInstanceGroupManager(SPOT).setSize(1).build());
    assertThat(op.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(op.getHttpErrorStatusCode()).isEqualTo(kind == StockoutKind.QUOTA_EXCEEDED ? 403 : 503);
    assertCapacityError(op.getError().getErrors(0), kind, "us-central1-a");
    // The library turns the same operation into the exception a caller of resizeAsync sees.
    assertThatThrownBy(() -> client.resizeAsync(P, R, SPOT, 2).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode().getCode()).isEqualTo(
            kind == StockoutKind.QUOTA_EXCEEDED ? StatusCode.Code.PERMISSION_DENIED : StatusCode.Code.UNAVAILABLE));

    clock.advance(Duration.ofMinutes(5));
    assertThat(client.get(P, R, SPOT).getTargetSize()).isEqualTo(2);
    // The MIG keeps both and keeps trying, in two of its zones, each with its zone's error.
    assertThat(instances(SPOT)).hasSize(2).allSatisfy(i -> {
      assertThat(i.hasInstanceStatus()).as("no VM yet").isFalse();
      assertThat(i.getCurrentAction()).isEqualTo("CREATING");
      assertCapacityError(i.getLastAttempt().getErrors().getErrors(0), kind, zoneOf(i));
    });
    assertThat(errors(SPOT)).hasSize(2).allSatisfy(e -> {
      assertThat(e.getError().getCode()).isEqualTo(kind.code());
      assertThat(e.getInstanceActionDetails().getAction()).isEqualTo("CREATING");
      assertThat(e.getTimestamp()).isEqualTo("2026-01-01T00:00:00.000+00:00");
    });

    // The other offer's group, in the same zones, gets its VM.
    Operation standard = client.resizeAsync(P, R, STANDARD, 1).get(10, TimeUnit.SECONDS);
    assertThat(standard.hasError()).isFalse();
    assertThat(instances(STANDARD)).singleElement().satisfies(i -> assertThat(i.getInstanceStatus()).isEqualTo("PROVISIONING"));

    sim.faults().endGroupStockout(SPOT);
    assertThat(instances(SPOT)).allSatisfy(i -> {
      assertThat(i.getInstanceStatus()).isEqualTo("PROVISIONING");
      assertThat(i.hasLastAttempt()).isFalse();
    });
    clock.advance(Duration.ofSeconds(22));
    assertThat(sim.servingInstances(List.of(GroupRef.regional(P, R, SPOT, ZONES)))).hasSize(2);
  }

  @Test
  void quotaNamesThePreemptibleGpuQuotaForSpotVmsAndTheGpuQuotaForStandardOnes() throws Exception {
    sim.faults().stockoutGroup(SPOT, StockoutKind.QUOTA_EXCEEDED);
    sim.faults().stockoutGroup(STANDARD, StockoutKind.QUOTA_EXCEEDED);
    client.resizeCallable().call(ResizeRegionInstanceGroupManagerRequest.newBuilder()
        .setProject(P).setRegion(R).setInstanceGroupManager(SPOT).setSize(1).build());
    Operation standard = client.resizeCallable().call(ResizeRegionInstanceGroupManagerRequest.newBuilder()
        .setProject(P).setRegion(R).setInstanceGroupManager(STANDARD).setSize(1).build());

    assertThat(standard.getError().getErrors(0).getMessage())
        .isEqualTo("Quota 'NVIDIA_L4_GPUS' exceeded.  Limit: 0.0 in region us-central1.");
    QuotaExceededInfo quota = standard.getError().getErrors(0).getErrorDetails(0).getQuotaInfo();
    assertThat(quota.getMetricName()).isEqualTo("compute.googleapis.com/nvidia_l4_gpus");
    assertThat(quota.getDimensionsMap()).containsEntry("region", "us-central1");
    assertThat(quota.getLimit()).isZero();
    Errors spot = instances(SPOT).get(0).getLastAttempt().getErrors().getErrors(0);
    assertThat(spot.getMessage()).isEqualTo("Quota 'PREEMPTIBLE_NVIDIA_L4_GPUS' exceeded.  Limit: 0.0 in region us-central1.");
    assertThat(spot.getErrorDetails(0).getQuotaInfo().getMetricName())
        .isEqualTo("compute.googleapis.com/preemptible_nvidia_l4_gpus");
  }

  @Test
  void aZoneStockoutWithDetailsNamesTheZonesThatHaveCapacityAndARegionalGroupAvoidsIt() throws Exception {
    GroupRef zonal = GroupRef.zonal(P, "us-central1-a", "gpu-a");
    sim.addGroup(zonal);
    sim.faults().stockout("us-central1-a", StockoutKind.ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS);
    try (var zonalClient = Clients.zonal(sim, true)) {
      Operation op = zonalClient.resizeCallable().call(com.google.cloud.compute.v1.ResizeInstanceGroupManagerRequest
          .newBuilder().setProject(P).setZone("us-central1-a").setInstanceGroupManager("gpu-a").setSize(1).build());
      assertThat(op.getError().getErrors(0).getCode()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS");
      assertThat(op.getError().getErrors(0).getMessage()).isEqualTo(
          "A VM instance is currently unavailable in the us-central1-a zone. Consider trying your request in the"
              + " us-central1-b, us-central1-c zone(s), which currently has capacity to accommodate your request."
              + " Alternatively, you can try your request again with a different VM hardware configuration or at a"
              + " later time. For more information, see the troubleshooting documentation.");
    }
    // A regional group places its VM in a zone with capacity, with no error, as before.
    Operation regional = client.resizeAsync(P, R, STANDARD, 1).get(10, TimeUnit.SECONDS);
    assertThat(regional.hasError()).isFalse();
    assertThat(instances(STANDARD)).singleElement()
        .satisfies(i -> assertThat(zoneOf(i)).isEqualTo("us-central1-b"));
    assertThat(sim.faults().stockouts())
        .containsExactly(new Faults.Stockout("us-central1-a", null, StockoutKind.ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS));
  }

  @Test
  void aStartMeetingAGroupStockoutWaitsTerminatedAndShowsTheKindInForceNow() throws Exception {
    client.resizeAsync(P, R, STANDARD, 1).get(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(22));
    String url = instances(STANDARD).get(0).getInstance();
    client.stopInstancesAsync(P, R, STANDARD, RegionInstanceGroupManagersStopInstancesRequest.newBuilder()
        .addInstances(url).build()).get(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(3));

    sim.faults().stockoutGroup(STANDARD, StockoutKind.ZONE_RESOURCE_POOL_EXHAUSTED);
    assertThatThrownBy(() -> client.startInstancesAsync(P, R, STANDARD, RegionInstanceGroupManagersStartInstancesRequest
        .newBuilder().addInstances(url).build()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ApiException.class);
    assertThat(errors(STANDARD)).singleElement().satisfies(e -> {
      assertThat(e.getError().getCode()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");
      assertThat(e.getInstanceActionDetails().getAction()).isEqualTo("STARTING");
    });
    assertThat(instances(STANDARD)).singleElement().satisfies(i -> {
      assertThat(i.getInstanceStatus()).isEqualTo("TERMINATED");
      assertThat(i.getCurrentAction()).isEqualTo("STARTING");
      assertThat(i.getLastAttempt().getErrors().getErrors(0).getCode()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");
    });

    // The MIG keeps retrying: its last attempt meets what is in force now.
    sim.faults().stockoutGroup(STANDARD, StockoutKind.QUOTA_EXCEEDED);
    assertThat(instances(STANDARD).get(0).getLastAttempt().getErrors().getErrors(0).getCode())
        .isEqualTo("QUOTA_EXCEEDED");
    sim.faults().endGroupStockout(STANDARD);
    clock.advance(Duration.ofSeconds(10));
    assertThat(sim.serving(GroupRef.regional(P, R, STANDARD, ZONES))).isTrue();
  }

  @Test
  void endingTheGroupsStockoutLeavesItWaitingForItsZoneAndClearEndsBoth() throws Exception {
    GroupRef zonal = GroupRef.zonal(P, "us-central1-a", "gpu-a");
    sim.addGroup(zonal);
    sim.faults().stockout("us-central1-a");
    sim.faults().stockoutGroup("gpu-a", StockoutKind.QUOTA_EXCEEDED);
    try (var zonalClient = Clients.zonal(sim, true)) {
      assertThatThrownBy(() -> zonalClient.resizeAsync(P, "us-central1-a", "gpu-a", 1).get(10, TimeUnit.SECONDS))
          .cause().isInstanceOf(ApiException.class);

      sim.faults().endGroupStockout("gpu-a");
      ManagedInstance waiting = zonalClient.listManagedInstances(P, "us-central1-a", "gpu-a").iterateAll()
          .iterator().next();
      assertThat(waiting.hasInstanceStatus()).isFalse();
      assertThat(waiting.getLastAttempt().getErrors().getErrors(0).getCode()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");

      sim.faults().stockoutGroup("gpu-a", StockoutKind.QUOTA_EXCEEDED);
      sim.faults().clear();
      assertThat(sim.faults().stockouts()).isEmpty();
      assertThat(zonalClient.listManagedInstances(P, "us-central1-a", "gpu-a").iterateAll().iterator().next()
          .getInstanceStatus()).isEqualTo("PROVISIONING");
    }
  }

  @Test
  void aStockoutOfAGroupThatDoesNotExistIsRefused() {
    assertThatThrownBy(() -> sim.faults().stockoutGroup("gpu-typo", StockoutKind.QUOTA_EXCEEDED))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("no group named 'gpu-typo'");
  }

  /** Code and message as Compute writes them for the kind, in that zone of this region. */
  private static void assertCapacityError(Errors error, StockoutKind kind, String zone) {
    assertThat(error.getCode()).isEqualTo(kind.code());
    String expected = switch (kind) {
      case ZONE_RESOURCE_POOL_EXHAUSTED -> "The zone 'projects/p/zones/" + zone + "' does not have enough resources"
          + " available to fulfill the request.  Try a different zone, or try again later.";
      // Every zone is out for this group: no zone to suggest.
      case ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS -> "A VM instance is currently unavailable in the " + zone
          + " zone. Capacity changes frequently, so try your request in a different zone, with a different VM"
          + " hardware configuration, or at a later time. For more options, see troubleshooting documentation.";
      case QUOTA_EXCEEDED -> "Quota 'PREEMPTIBLE_NVIDIA_L4_GPUS' exceeded.  Limit: 0.0 in region us-central1.";
    };
    assertThat(error.getMessage()).isEqualTo(expected);
  }

  private List<ManagedInstance> instances(String mig) {
    return StreamSupport.stream(client.listManagedInstances(P, R, mig).iterateAll().spliterator(), false).toList();
  }

  private List<InstanceManagedByIgmError> errors(String mig) {
    return StreamSupport.stream(client.listErrors(P, R, mig).iterateAll().spliterator(), false).toList();
  }

  /** The zone in a managed instance's URL. */
  private static String zoneOf(ManagedInstance i) {
    String url = i.getInstance();
    int from = url.indexOf("/zones/") + "/zones/".length();
    return url.substring(from, url.indexOf('/', from));
  }
}
