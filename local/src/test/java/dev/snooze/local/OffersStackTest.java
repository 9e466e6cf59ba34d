package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.compute.StockoutKind;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Always finding a GPU, as users meet it on the local stack's two default offers (spot, then
 * on-demand), through the real clients: Compute's stockouts of every kind and spot preemptions
 * from the simulator, prompts through the frontend, Status over HTTP.
 */
@ExtendWith(SharedEmulators.class)
class OffersStackTest {
  private static final String SPOT = "snooze-gpu-spot";
  private static final String ON_DEMAND = "snooze-gpu";
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

  @ParameterizedTest
  @EnumSource(StockoutKind.class)
  void aStockedOutPreferredOfferFailsOverAndAPromptSentWhileAsleepIsAnswered(StockoutKind kind,
      LocalEmulators emulators) throws Exception {
    start(emulators, "60", Map.of());
    stack.compute().faults().stockoutGroup(SPOT, kind);

    String answer = prompt("Which GPU?");

    assertThat(answer).contains("Which GPU?");
    JsonObject status = status();
    assertThat(status.get("offer").getAsString()).isEqualTo(ON_DEMAND);
    JsonObject spot = offer(status, SPOT);
    assertThat(spot.get("state").getAsString()).isEqualTo("FAILED");
    assertThat(spot.getAsJsonObject("lastFailure").get("code").getAsString()).isEqualTo(kind.name());
    assertThat(targetSize(SPOT)).as("the spot offer is given up: no creation left queued").isZero();
    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(offer(status(), ON_DEMAND).get("state").getAsString()).isEqualTo("SERVING");
  }

  @Test
  void aPreemptedSpotVmHandsOverToOnDemandAndAHeldRequestIsAnswered(LocalEmulators emulators) throws Exception {
    start(emulators, "60", Map.of());
    assertThat(prompt("first")).contains("first");
    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(status().get("offer").getAsString()).isEqualTo(SPOT);

    stack.compute().faults().stockoutGroup(SPOT, StockoutKind.ZONE_RESOURCE_POOL_EXHAUSTED);
    assertThat(stack.compute().faults().preempt(SPOT)).hasSize(1);
    await().atMost(WAIT).until(() -> stack.compute().servingInstances(stack.groups()).isEmpty());
    CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> promptUnchecked("after the preemption"));

    assertThat(held.get(60, java.util.concurrent.TimeUnit.SECONDS)).contains("after the preemption");
    JsonObject status = status();
    assertThat(status.get("offer").getAsString()).isEqualTo(ON_DEMAND);
    assertThat(offer(status, SPOT).getAsJsonObject("lastFailure").get("code").getAsString()).isEqualTo("PREEMPTED");
    assertThat(targetSize(SPOT)).isZero();
  }

  @Test
  void capacityBackTheNextWakeFromSleepUsesThePreferredOffer(LocalEmulators emulators) throws Exception {
    start(emulators, "8", Map.of());
    stack.compute().faults().stockoutGroup(SPOT, StockoutKind.ZONE_RESOURCE_POOL_EXHAUSTED);
    publishUntilAwake();
    assertThat(status().get("offer").getAsString()).isEqualTo(ON_DEMAND);
    await().atMost(WAIT).until(() -> phase().equals("ASLEEP"));
    assertThat(targetSize(ON_DEMAND)).isZero();
    assertThat(targetSize(SPOT)).isZero();

    stack.compute().faults().endGroupStockout(SPOT);
    publishUntilAwake();

    assertThat(status().get("offer").getAsString()).isEqualTo(SPOT);
    assertThat(targetSize(ON_DEMAND)).isZero();
  }

  @Test
  void everyOfferOutIsAnErrorNamingEachThenAWakeOnceOneComesBack(LocalEmulators emulators) throws Exception {
    start(emulators, "120", Map.of("SNOOZE_CAPACITY_TIMEOUT", "2"));
    stack.compute().faults().stockoutGroup(SPOT, StockoutKind.QUOTA_EXCEEDED);
    stack.compute().faults().stockoutGroup(ON_DEMAND, StockoutKind.ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS);
    publish();

    await().atMost(WAIT).until(() -> phase().equals("ERROR"));
    JsonObject error = status().getAsJsonObject("lastError");
    assertThat(error.get("code").getAsString()).isEqualTo("NO_GPU_OFFER_AVAILABLE");
    assertThat(error.get("message").getAsString())
        .contains(SPOT + " QUOTA_EXCEEDED", ON_DEMAND + " ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS");

    stack.compute().faults().endGroupStockout(SPOT);

    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(status().get("offer").getAsString()).isEqualTo(SPOT);
    await().atMost(WAIT).until(() -> targetSize(ON_DEMAND) == 0);
  }

  private void start(LocalEmulators emulators, String idleTimeout, Map<String, String> extra) throws Exception {
    Map<String, String> knobs = new HashMap<>(extra);
    knobs.put("SNOOZE_TOPIC", topic);
    knobs.put("SNOOZE_IDLE_TIMEOUT", idleTimeout);
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", "0.5");
    knobs.put("SNOOZE_SIM_BOOT_TIME", "0.5");
    stack = LocalStack.start(TestStacks.env(emulators, knobs));
    assertThat(stack.endpoints().get("offers").toString()).contains(SPOT + "@us-central1:SPOT", ON_DEMAND + "@us-central1:STANDARD");
    channel = ManagedChannelBuilder.forTarget(emulators.pubsubHost()).usePlaintext().build();
  }

  private void publish() throws Exception {
    TestStacks.publish(channel, topic, "{}");
  }

  /**
   * What a frontend with a request in flight does: activity every second until the GPU serves, so
   * that it stays wanted however long a loaded machine takes to start the functions and wake it
   * (a single message would race the short idle timeout).
   */
  private void publishUntilAwake() {
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      publish();
      return phase().equals("AWAKE");
    });
  }

  private String promptUnchecked(String text) {
    try {
      return prompt(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a prompt through the frontend and returns the streamed answer's text. */
  private String prompt(String text) throws Exception {
    HttpResponse<InputStream> answer = http.send(
        HttpRequest.newBuilder(URI.create(stack.frontend().url() + "/api/generate"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"" + text + "\"}"))
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(answer.statusCode()).isEqualTo(200);
    StringBuilder out = new StringBuilder();
    List<JsonObject> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    assertThat(lines).isNotEmpty();
    assertThat(lines.get(lines.size() - 1).get("done").getAsBoolean()).isTrue();
    lines.forEach(l -> out.append(l.get("response").getAsString()));
    return out.toString();
  }

  private JsonObject status() throws Exception {
    return TestStacks.status(stack);
  }

  private String phase() throws Exception {
    return status().get("phase").getAsString();
  }

  private static JsonObject offer(JsonObject status, String mig) {
    JsonArray offers = status.getAsJsonArray("offers");
    for (JsonElement o : offers) {
      if (o.getAsJsonObject().get("mig").getAsString().equals(mig)) {
        return o.getAsJsonObject();
      }
    }
    throw new AssertionError("no offer " + mig + " in " + offers);
  }

  /** The MIG's targetSize as Compute's REST API reports it (absent, as proto3 JSON writes 0, is 0). */
  private int targetSize(String mig) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.compute().baseUrl()
        + "/compute/v1/projects/" + SharedEmulators.PROJECT + "/regions/us-central1/instanceGroupManagers/" + mig))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonElement size = JsonParser.parseString(response.body()).getAsJsonObject().get("targetSize");
    return size == null ? 0 : size.getAsInt();
  }
}
