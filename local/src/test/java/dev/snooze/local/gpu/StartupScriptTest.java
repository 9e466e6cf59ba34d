package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.compute.v1.GetGuestAttributesInstanceRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import dev.snooze.local.compute.Clients;
import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.compute.SimulatorConfig;
import dev.snooze.local.http.LoopbackServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The end of the VM's startup script against a stand-in "VM" whose warm-up answer takes a set
 * time, reporting to a Compute simulator whose VM is up at once.
 */
class StartupScriptTest {
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String MIG = "snooze-gpu";
  private static final Duration LOAD = Duration.ofMillis(500);

  private ComputeSimulator sim;
  private InstancesClient instances;
  private LoopbackServer vm;
  private String instance;
  private final List<JsonObject> warmUps = new CopyOnWriteArrayList<>();
  private final List<Instant> arrived = new CopyOnWriteArrayList<>();
  private final List<Instant> answered = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicBoolean up = new AtomicBoolean(true);
  /** The VM goes while its model loads. */
  private final AtomicBoolean goesDuringTheLoad = new AtomicBoolean();

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withBootTime(Duration.ZERO)
        .withHealthDelay(Duration.ZERO).withOperationLatency(Duration.ZERO));
    sim.addGroup(GroupRef.zonal(P, Z, MIG));
    try (InstanceGroupManagersClient groups = Clients.zonal(sim, true)) {
      groups.resizeAsync(P, Z, MIG, 1).get(10, TimeUnit.SECONDS);
      List<ManagedInstance> all = StreamSupport.stream(
          groups.listManagedInstances(P, Z, MIG).iterateAll().spliterator(), false).toList();
      instance = all.get(0).getName();
      assertThat(all.get(0).getInstanceStatus()).isEqualTo("RUNNING");
    }
    instances = Clients.instances(sim);
    vm = LoopbackServer.start(0, this::warmUp);
  }

  @AfterEach
  void stop() {
    vm.close();
    instances.close();
    sim.close();
  }

  /** The VM's Ollama: the load-only request is answered once the model has loaded. */
  private void warmUp(HttpExchange exchange) throws java.io.IOException {
    arrived.add(Instant.now());
    warmUps.add(JsonParser.parseString(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
        .getAsJsonObject());
    try {
      Thread.sleep(LOAD.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (goesDuringTheLoad.get()) {
      up.set(false);
    }
    answered.add(Instant.now());
    LoopbackServer.sendJson(exchange, status.get(),
        "{\"model\":\"snooze-demo:latest\",\"response\":\"\",\"done\":true,\"done_reason\":\"load\"}");
  }

  @Test
  void reportsLoadingModelThenSendsOllamasLoadOnlyRequestToTheVmAndReportsReadyOnceItIsAnswered() {
    StartupScript.reportingTo(sim.baseUrl(), "900").run(instance, URI.create(vm.baseUrl()), up::get);

    assertThat(warmUps).hasSize(1);
    JsonObject body = warmUps.get(0);
    assertThat(body.get("model").getAsString()).isEqualTo(ModelSettings.DEFAULT_MODEL);
    assertThat(body.get("stream").getAsBoolean()).isFalse();
    assertThat(body.get("keep_alive").getAsLong()).isEqualTo(900);
    assertThat(body.has("prompt")).as("no prompt: Ollama only loads the model").isFalse();

    Map<String, Instant> stages = stages();
    assertThat(stages).containsKeys("loading-model", "ready");
    assertThat(stages.get("loading-model")).isBeforeOrEqualTo(arrived.get(0));
    // Times are written to the millisecond, so allow for the truncation.
    assertThat(stages.get("ready")).isAfterOrEqualTo(answered.get(0).minusMillis(1));
    assertThat(Duration.between(stages.get("loading-model"), stages.get("ready"))).isGreaterThanOrEqualTo(LOAD);
    assertThat(StartupScript.reportingTo(sim.baseUrl(), "15m").warmUpBody()).contains("\"keep_alive\":\"15m\"");
    assertThat(StartupScript.reportingTo(sim.baseUrl(), null).warmUpBody()).doesNotContain("keep_alive");
  }

  @Test
  void aWarmUpThatFailsNeverReportsReady() {
    status.set(500);
    StartupScript.reportingTo(sim.baseUrl(), null).run(instance, URI.create(vm.baseUrl()), up::get);
    assertThat(stages()).containsKey("loading-model").doesNotContainKey("ready");
  }

  @Test
  void aVmThatGoesDuringTheWarmUpReportsNothingMore() {
    goesDuringTheLoad.set(true);
    StartupScript.reportingTo(sim.baseUrl(), null).run(instance, URI.create(vm.baseUrl()), up::get);
    assertThat(warmUps).hasSize(1);
    assertThat(stages()).containsKey("loading-model").doesNotContainKey("ready");

    warmUps.clear();
    StartupScript.reportingTo(sim.baseUrl(), null).run(instance, URI.create(vm.baseUrl()), up::get);
    assertThat(warmUps).as("a VM that is gone does not even load the model").isEmpty();
  }

  @Test
  void aVmTheSimulatorDoesNotHaveRunningStopsBeforeTheWarmUp() {
    StartupScript.reportingTo(sim.baseUrl(), null).run("snooze-gpu-nope", URI.create(vm.baseUrl()), up::get);
    assertThat(warmUps).isEmpty();
    assertThat(stages()).doesNotContainKey("loading-model");
  }

  /** The VM's snooze/ attributes, stage by stage. */
  private Map<String, Instant> stages() {
    Map<String, Instant> stages = new LinkedHashMap<>();
    try {
      instances.getGuestAttributes(GetGuestAttributesInstanceRequest.newBuilder()
              .setProject(P).setZone(Z).setInstance(instance).setQueryPath("snooze/").build())
          .getQueryValue().getItemsList().forEach(e -> stages.put(e.getKey(), Instant.parse(e.getValue())));
    } catch (NotFoundException none) {
      // nothing reported
    }
    return stages;
  }
}
