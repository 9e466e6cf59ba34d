package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.InternalException;
import com.google.api.gax.rpc.ResourceExhaustedException;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.UnavailableException;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsTest {
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String MIG = "snooze-gpu";
  private static final String GET = "compute.instanceGroupManagers.get";

  private final HttpClient http = HttpClient.newHttpClient();
  private ComputeSimulator sim;
  private InstanceGroupManagersClient strict;

  @BeforeEach
  void start() throws Exception {
    // A preempted VM stays STOPPING far longer than any test takes: what the test sees never races it.
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withBootTime(Duration.ofMillis(50))
        .withHealthDelay(Duration.ZERO).withOperationLatency(Duration.ZERO).withStopTime(Duration.ofMinutes(10)));
    sim.addGroup(GroupRef.zonal(P, Z, MIG));
    strict = Clients.zonal(sim, false);
  }

  @AfterEach
  void stop() {
    strict.close();
    sim.close();
  }

  @Test
  void injectedStatusesSurfaceAsTheClientsExceptionsThenCallsSucceed() throws Exception {
    sim.faults().failNext(GET, 1, 429);
    sim.faults().failNext(GET, 1, 500);
    sim.faults().failNext(GET, 1, 503);
    assertThatThrownBy(() -> strict.get(P, Z, MIG)).isInstanceOfSatisfying(ResourceExhaustedException.class,
        e -> assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() -> strict.get(P, Z, MIG)).isInstanceOf(InternalException.class);
    assertThatThrownBy(() -> strict.get(P, Z, MIG)).isInstanceOf(UnavailableException.class);
    assertThat(strict.get(P, Z, MIG).getName()).isEqualTo(MIG);
    assertThat(sim.calls()).containsEntry(GET, 4L);
  }

  @Test
  void aFailedResizeChangesNothingAndTheNextOneWorks() throws Exception {
    sim.faults().failNext("compute.instanceGroupManagers.resize", 2, 503);
    assertThatThrownBy(() -> strict.resizeAsync(P, Z, MIG, 1).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ApiException.class);
    assertThatThrownBy(() -> strict.resizeAsync(P, Z, MIG, 1).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UnavailableException.class);
    assertThat(strict.get(P, Z, MIG).getTargetSize()).isZero();
    strict.resizeAsync(P, Z, MIG, 1).get(5, TimeUnit.SECONDS);
    assertThat(strict.get(P, Z, MIG).getTargetSize()).isEqualTo(1);
    // An operation already DONE in the resize answer needs no polling.
    assertThat(sim.calls()).containsEntry("compute.instanceGroupManagers.resize", 3L)
        .doesNotContainKey("compute.zoneOperations.get");
  }

  @Test
  void theLibraryRetriesAnUnavailableGetByItself() throws Exception {
    try (InstanceGroupManagersClient retrying = Clients.zonal(sim, true)) {
      sim.faults().failNext(GET, 1, 503);
      assertThat(retrying.get(P, Z, MIG).getName()).isEqualTo(MIG);
      assertThat(sim.calls()).containsEntry(GET, 2L);
    }
  }

  @Test
  void theControlEndpointInjectsFaultsAndReportsCalls() throws Exception {
    String faults = post("/simulator/faults/http",
        "{\"method\":\"compute.instanceGroupManagers.get\",\"count\":1,\"status\":429}");
    assertThat(faults).contains("\"remaining\":1");
    assertThatThrownBy(() -> strict.get(P, Z, MIG)).isInstanceOf(ResourceExhaustedException.class);
    assertThat(get("/simulator/calls")).isEqualTo("{\"compute.instanceGroupManagers.get\":1}");
    post("/simulator/calls/reset", "");
    assertThat(get("/simulator/calls")).isEqualTo("{}");

    post("/simulator/faults/stockout", "{\"zone\":\"us-central1-a\"}");
    assertThat(sim.faults().stockedOutZones()).containsExactly(Z);
    post("/simulator/faults/boot-time", "{\"millis\":1234}");
    assertThat(sim.faults().bootTime()).isEqualTo(Duration.ofMillis(1234));
    assertThat(post("/simulator/faults/clear", "")).contains("\"stockedOutZones\":[]");

    post("/simulator/groups", "{\"project\":\"p\",\"region\":\"us-central1\",\"zones\":[\"us-central1-b\"],\"name\":\"r\"}");
    assertThat(get("/simulator/serving?project=p&region=us-central1&name=r")).isEqualTo("{\"serving\":false}");
    HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/simulator/faults/http"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"method\":\"x\",\"status\":418}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("status must be 429, 500 or 503");
  }

  @Test
  void theControlEndpointAddsSpotGroupsStocksOutGroupsOrZonesByKindAndPreemptsVms() throws Exception {
    assertThat(post("/simulator/groups", "{\"project\":\"p\",\"zone\":\"us-central1-a\",\"name\":\"gpu-spot\","
        + "\"provisioningModel\":\"SPOT\",\"terminationAction\":\"DELETE\"}")).isEqualTo("{\"selfLink\":"
        + "\"https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instanceGroupManagers/gpu-spot\","
        + "\"provisioningModel\":\"SPOT\",\"terminationAction\":\"DELETE\"}");

    post("/simulator/faults/stockout", "{\"group\":\"gpu-spot\",\"kind\":\"QUOTA_EXCEEDED\"}");
    assertThat(post("/simulator/faults/stockout", "{\"zone\":\"us-central1-b\",\"kind\":\"ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS\"}"))
        .contains("\"stockedOutZones\":[\"us-central1-b\"],\"stockouts\":[{\"zone\":\"us-central1-b\","
            + "\"kind\":\"ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS\"},{\"group\":\"gpu-spot\",\"kind\":\"QUOTA_EXCEEDED\"}]");
    assertThatThrownBy(() -> strict.resizeAsync(P, Z, "gpu-spot", 1).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ApiException.class);
    assertThat(post("/simulator/faults/stockout", "{\"group\":\"gpu-spot\",\"active\":false}"))
        .contains("\"stockouts\":[{\"zone\":\"us-central1-b\",\"kind\":\"ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS\"}]");

    GroupRef spot = GroupRef.zonal(P, Z, "gpu-spot");
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.serving(spot));
    String name = strict.listManagedInstances(P, Z, "gpu-spot").iterateAll().iterator().next().getName();
    assertThat(post("/simulator/faults/preempt", "{\"group\":\"gpu-spot\"}"))
        .isEqualTo("{\"preempted\":[\"" + name + "\"]}");
    assertThat(strict.listManagedInstances(P, Z, "gpu-spot").iterateAll().iterator().next().getCurrentAction())
        .isEqualTo("RECREATING");
    assertThat(post("/simulator/faults/preempt", "{\"group\":\"gpu-spot\",\"instance\":\"" + name + "\"}"))
        .as("a VM already stopping is not preempted again").isEqualTo("{\"preempted\":[]}");
    assertThat(post("/simulator/faults/clear", "")).contains("\"stockouts\":[]");
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private String post(String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
