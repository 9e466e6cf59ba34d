package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.api.core.ApiFuture;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.gson.JsonObject;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.functions.LocalFunctions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Wake and sleep as users meet them: activity published through the real Publisher to the
 * Pub/Sub emulator, delivered by the local Eventarc to the Wake function, the simulated MIG
 * resized, Status polled over HTTP, and the scheduler ticker putting it back to sleep. Time is
 * compressed with the stack's own knobs.
 */
@ExtendWith(SharedEmulators.class)
class WakeSleepStackTest {
  private static final String RESIZE = "compute.regionInstanceGroupManagers.resize";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private final String topic = "activity-" + UUID.randomUUID();
  private LocalStack stack;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void oneMessageWakesTheGpuAndIdlenessPutsItBackToSleep(LocalEmulators emulators) throws Exception {
    start(emulators, "6");
    assertThat(phase()).isEqualTo("ASLEEP");

    // What the frontend sends: a request in flight, then heartbeats while it is, so the GPU stays
    // wanted however long a loaded machine takes to wake it, then its end.
    publish("{\"schemaVersion\":1,\"source\":\"integration-test\",\"kind\":\"request\",\"inFlight\":1}");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> phase().equals("WAKING"));
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      publish("{\"schemaVersion\":1,\"source\":\"integration-test\",\"kind\":\"heartbeat\",\"inFlight\":1}");
      return phase().equals("AWAKE");
    });
    assertThat(status().getAsJsonObject("mig").get("targetSize").getAsInt()).isEqualTo(1);
    publish("{\"schemaVersion\":1,\"source\":\"integration-test\",\"kind\":\"request\",\"inFlight\":0}");
    await().atMost(WAIT).until(() -> status().get("secondsUntilSleep").getAsLong() <= 7);
    await().atMost(WAIT).until(() -> phase().equals("ASLEEP"));

    JsonObject asleep = status();
    assertThat(asleep.getAsJsonObject("mig").get("targetSize").getAsInt()).isZero();
    assertThat(asleep.getAsJsonArray("history").asList())
        .extracting(e -> e.getAsJsonObject().get("kind").getAsString())
        .containsExactly("SLEEP", "WAKE");
    assertThat(asleep.get("gpuSecondsToday").getAsLong()).isPositive();
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 2L);
  }

  @Test
  void stopModeKeepsTheInstanceAndStartsItAgain(LocalEmulators emulators) throws Exception {
    start(emulators, "10", Map.of("SNOOZE_SLEEP_MODE", "stop"));

    publish("{}");
    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    String instance = instances().get(0).getAsJsonObject().get("name").getAsString();
    await().atMost(WAIT).until(() -> phase().equals("ASLEEP"));
    JsonObject asleep = status().getAsJsonObject("mig");
    assertThat(asleep.get("targetStoppedSize").getAsInt()).isEqualTo(1);
    await().atMost(WAIT).until(() ->
        instances().get(0).getAsJsonObject().get("status").getAsString().equals("TERMINATED"));

    publish("{}");
    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(instances().get(0).getAsJsonObject().get("name").getAsString()).isEqualTo(instance);
    assertThat(stack.compute().calls())
        .containsEntry("compute.regionInstanceGroupManagers.stopInstances", 1L)
        .containsEntry("compute.regionInstanceGroupManagers.startInstances", 1L);
  }

  @Test
  void aHundredConcurrentMessagesResizeOnce(LocalEmulators emulators) throws Exception {
    start(emulators, "120");

    Publisher publisher = TestStacks.publisher(channel, topic);
    List<ApiFuture<String>> sent = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sent.add(publisher.publish(TestStacks.message("{\"source\":\"burst-" + i + "\"}")));
    }
    for (ApiFuture<String> future : sent) {
      future.get(10, TimeUnit.SECONDS);
    }
    publisher.shutdown();

    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 1L);
  }

  @Test
  void aBodyThatIsNotActivityJsonStillWakesButAForeignEventChangesNothing(LocalEmulators emulators)
      throws Exception {
    start(emulators, "120");

    HttpResponse<String> foreign = http.send(
        HttpRequest.newBuilder(URI.create(stack.functions().url(LocalFunctions.Entry.WAKE)))
            .header("ce-id", "1").header("ce-specversion", "1.0")
            .header("ce-source", "//storage.googleapis.com/projects/_/buckets/b")
            .header("ce-type", "google.cloud.storage.object.v1.finalized")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"bucket\":\"b\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).as("acknowledged, never retried").isBetween(200, 299);
    assertThat(phase()).isEqualTo("ASLEEP");
    assertThat(stack.compute().calls()).doesNotContainKey(RESIZE);

    publish("this is not JSON");

    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 1L);
  }

  @Test
  void transientComputeFailuresAreRetriedThroughPubsubRedelivery(LocalEmulators emulators)
      throws Exception {
    start(emulators, "120");
    stack.compute().faults().failNext(RESIZE, 1, 503);
    stack.compute().faults().failNext(RESIZE, 1, 429);

    publish("{}");

    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 3L);
    assertThat(status().getAsJsonObject("mig").get("targetSize").getAsInt()).isEqualTo(1);
  }

  @Test
  void noGpuCapacityIsShownWhileTheMigKeepsTryingThenItWakes(LocalEmulators emulators)
      throws Exception {
    start(emulators, "120");
    List<String> zones = List.of("us-central1-a", "us-central1-b", "us-central1-c");
    zones.forEach(zone -> stack.compute().faults().stockout(zone));

    publish("{}");

    await().atMost(WAIT).until(() -> !status().get("lastError").isJsonNull());
    JsonObject waiting = status();
    assertThat(waiting.get("phase").getAsString()).isEqualTo("WAKING");
    assertThat(waiting.getAsJsonObject("lastError").get("code").getAsString())
        .isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");

    zones.forEach(zone -> stack.compute().faults().endStockout(zone));
    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(status().get("lastError").isJsonNull()).isTrue();
  }

  private void start(LocalEmulators emulators, String idleTimeout) throws Exception {
    start(emulators, idleTimeout, Map.of());
  }

  private void start(LocalEmulators emulators, String idleTimeout, Map<String, String> extra)
      throws Exception {
    Map<String, String> knobs = new HashMap<>(TestStacks.ONE_OFFER);
    knobs.putAll(extra);
    knobs.put("SNOOZE_TOPIC", topic);
    knobs.put("SNOOZE_IDLE_TIMEOUT", idleTimeout);
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", "0.5");
    knobs.put("SNOOZE_SIM_BOOT_TIME", "0.5");
    Map<String, String> env = TestStacks.env(emulators, knobs);
    stack = LocalStack.start(env);
    channel = ManagedChannelBuilder.forTarget(emulators.pubsubHost()).usePlaintext().build();
  }

  private void publish(String data) throws Exception {
    TestStacks.publish(channel, topic, data);
  }

  private JsonObject status() throws Exception {
    return TestStacks.status(stack);
  }

  private com.google.gson.JsonArray instances() throws Exception {
    return status().getAsJsonObject("mig").getAsJsonArray("instances");
  }

  private String phase() throws Exception {
    return status().get("phase").getAsString();
  }
}
