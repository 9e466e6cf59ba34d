package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.compute.v1.GetGuestAttributesInstanceRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceGroupManagersStartInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.InstancesClient;
import dev.snooze.local.compute.Clients;
import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.compute.SimStages;
import dev.snooze.local.compute.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in backend following the Compute simulator on the wall clock with short stages: each
 * VM, once its container is up, reports loading-model, loads the model through its own server
 * and reports ready; the load balancer serves it from the moment it is healthy.
 */
class StandInBackendStartupTest {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  /** The warm-up takes the stand-in's answer time: about 20 tokens of 40 ms today. */
  private static final Duration TOKEN_INTERVAL = Duration.ofMillis(40);
  private static final Duration CONTAINER = Duration.ofMillis(100);
  /** The warm-up loads the model this long: the load balancer serves the VM before it is ready. */
  private static final Duration LOAD_TIME = Duration.ofMillis(800);
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String MIG = "snooze-gpu";

  private final GroupRef group = GroupRef.zonal(P, Z, MIG);
  private ComputeSimulator sim;
  private InstanceGroupManagersClient groups;
  private InstancesClient instances;
  private StandInBackend backend;

  @BeforeEach
  void start() throws Exception {
    SimStages stages = SimStages.parse(SimStages.Preset.COMPRESSED,
        "provisioning=0.3,booting=0.1,driver=0.1,pulling-image=0.1,starting-container=" + CONTAINER.toMillis() / 1000.0);
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withStages(stages)
        .withOperationLatency(Duration.ZERO).withStopTime(Duration.ofMillis(100)));
    sim.addGroup(group);
    groups = Clients.zonal(sim, true);
    instances = Clients.instances(sim);
    backend = StandInBackend.start(0, () -> sim.servingInstances(List.of(group)), TOKEN_INTERVAL,
        new ModelSettings(ModelSettings.DEFAULT_MODEL, LOAD_TIME, ModelSettings.NEVER_UNLOAD),
        StartupScript.reportingTo(sim.baseUrl(), "-1"));
  }

  @AfterEach
  void stop() {
    backend.close();
    instances.close();
    groups.close();
    sim.close();
  }

  @Test
  void aVmServesOnceHealthyAndReportsLoadingModelThenReadyAroundItsWarmUp() throws Exception {
    groups.resizeAsync(P, Z, MIG, 1).get(10, TimeUnit.SECONDS);
    String vm = groups.listManagedInstances(P, Z, MIG).iterateAll().iterator().next().getName();
    AtomicReference<Instant> servedFrom = new AtomicReference<>();
    await().atMost(AWAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
      if (servedFrom.get() == null && backend.serving()) {
        servedFrom.set(Instant.now());
      }
      return stages(vm).containsKey("ready");
    });

    Map<String, Instant> stages = stages(vm);
    assertThat(stages.keySet()).containsExactly(
        "booting", "driver", "pulling-image", "starting-container", "loading-model", "ready");
    assertThat(stages.get("loading-model")).as("reported once the container is up and healthy")
        .isAfterOrEqualTo(stages.get("starting-container").plus(CONTAINER));
    assertThat(stages.get("ready")).isAfter(stages.get("loading-model"));
    assertThat(servedFrom.get()).as("the load balancer does not wait for the model").isNotNull()
        .isBefore(stages.get("ready"));
    assertThat(backend.servingVms()).containsExactly(vm);
  }

  @Test
  void aRestartedVmReportsItsStagesAfresh() throws Exception {
    groups.resizeAsync(P, Z, MIG, 1).get(10, TimeUnit.SECONDS);
    String vm = groups.listManagedInstances(P, Z, MIG).iterateAll().iterator().next().getName();
    await().atMost(AWAIT).until(() -> stages(vm).containsKey("ready"));
    Instant firstReady = stages(vm).get("ready");

    groups.stopInstancesAsync(P, Z, MIG, InstanceGroupManagersStopInstancesRequest.newBuilder()
        .addInstances("zones/" + Z + "/instances/" + vm).build()).get(10, TimeUnit.SECONDS);
    await().atMost(AWAIT).until(() -> !backend.serving());
    assertThat(stages(vm).get("ready")).as("a stopped VM keeps its attributes").isEqualTo(firstReady);

    groups.startInstancesAsync(P, Z, MIG, InstanceGroupManagersStartInstancesRequest.newBuilder()
        .addInstances("zones/" + Z + "/instances/" + vm).build()).get(10, TimeUnit.SECONDS);
    await().atMost(AWAIT).until(() -> stages(vm).containsKey("ready"));
    Map<String, Instant> again = stages(vm);
    assertThat(again.get("booting")).isAfter(firstReady);
    assertThat(again.get("loading-model")).isAfter(again.get("starting-container"));
    assertThat(again.get("ready")).isAfter(again.get("loading-model"));
  }

  private Map<String, Instant> stages(String vm) {
    Map<String, Instant> stages = new LinkedHashMap<>();
    try {
      instances.getGuestAttributes(GetGuestAttributesInstanceRequest.newBuilder()
              .setProject(P).setZone(Z).setInstance(vm).setQueryPath("snooze/").build())
          .getQueryValue().getItemsList().forEach(e -> stages.put(e.getKey(), Instant.parse(e.getValue())));
    } catch (NotFoundException none) {
      // nothing reported yet
    }
    return stages;
  }
}
