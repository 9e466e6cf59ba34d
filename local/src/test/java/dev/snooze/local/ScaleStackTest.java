package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.gpu.VmStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scaling by requests in flight on the local stack, as users in a room meet it: six people prompt
 * at once; the one GPU VM has room for three (Ollama's parallelism 2 and a queue of 1), so the
 * frontend holds the others while the MIG scales out to ceil(6 / 2) = 3 VMs, and every prompt is
 * answered. Then a lull: the VMs stay for the scale-in delay, and the one removed while a stream
 * runs on it drains: its stream finishes, nothing is cut.
 */
@ExtendWith(SharedEmulators.class)
class ScaleStackTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ANSWER = "streamed token by token";

  private final HttpClient http = HttpClient.newHttpClient();
  private LocalStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aBurstScalesOutAndEveryPromptIsAnsweredThenALullScalesInWithoutCuttingAStream(LocalEmulators emulators)
      throws Exception {
    Map<String, String> knobs = new HashMap<>(TestStacks.ONE_OFFER);
    knobs.put("SNOOZE_IDLE_TIMEOUT", "300");
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", "0.5");
    knobs.put("SNOOZE_MAX_SIZE", "3");
    knobs.put("SNOOZE_TARGET_IN_FLIGHT", "2");
    knobs.put("SNOOZE_SCALE_IN_DELAY", "10");
    knobs.put("SNOOZE_ACTIVITY_GRANULARITY", "1");
    knobs.put("SNOOZE_SIM_PARALLEL", "2");
    knobs.put("SNOOZE_SIM_MAX_QUEUE", "1");
    knobs.put("SNOOZE_SIM_DRAIN_TIMEOUT", "60");
    knobs.put("SNOOZE_SIM_TOKEN_INTERVAL", "0.15"); // each answer's ~30 tokens stream for ~4.5 s
    // A VM serves ~2 s after its resize: well within the burst's first answers.
    knobs.put("SNOOZE_SIM_STAGES", "provisioning=0.5,booting=0.2,driver=0.2,pulling-image=0.2,starting-container=0.2,"
        + "loading-model=0.5");
    stack = LocalStack.start(TestStacks.env(emulators, knobs));

    // Awake with one VM.
    assertAnswered(prompt("warm up").join());
    await().atMost(WAIT).until(() -> "AWAKE".equals(status().get("phase").getAsString()));
    assertThat(scale().get("size").getAsInt()).isEqualTo(1);

    // The burst: six at once.
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      burst.add(prompt("person " + i + " asks"));
    }
    await().atMost(WAIT).until(() -> scale().get("size").getAsInt() == 3 && scale().get("serving").getAsInt() == 3);
    for (CompletableFuture<HttpResponse<String>> answer : burst) {
      assertAnswered(answer.join());
    }
    List<VmStats> vms = stack.gpuVms();
    assertThat(vms).as("three VMs answered the burst between them").filteredOn(v -> v.answered() > 0).hasSize(3);
    assertThat(vms.stream().mapToLong(VmStats::busy).sum()).as("the first VM turned some away while full: the frontend"
        + " held them until a VM had room").isPositive();
    JsonObject scaledOut = latest("SCALE");
    assertThat(scaledOut.get("reason").getAsString()).as("at once, or in two steps (4 in flight, then 6)")
        .contains(" → 3 GPU VMs: 6 request(s) in flight need 3 GPU VMs at 2 per VM");

    // The lull. The VMs stay for the scale-in delay after 3 were last needed.
    Instant scaleInAt = Instant.parse(scale().get("scaleInAt").getAsString());
    await().atMost(WAIT).until(() -> Instant.now().isAfter(scaleInAt.minusSeconds(3)));
    assertThat(scale().get("size").getAsInt()).as("3 s before the scale-in delay ends").isEqualTo(3);

    // Three streams, one per VM (least requests first), across the moment a VM goes.
    List<CompletableFuture<HttpResponse<String>>> across = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      across.add(prompt("a long answer " + i));
    }
    await().atMost(WAIT).until(() -> scale().get("size").getAsInt() < 3);
    JsonObject scaledIn = latest("SCALE");
    assertThat(scaledIn.get("reason").getAsString()).startsWith("3 → ").contains("the load balancer drains");
    assertThat(Instant.parse(scaledIn.get("at").getAsString())).as("not before the scale-in delay").isAfterOrEqualTo(
        scaleInAt.minusMillis(500));
    for (CompletableFuture<HttpResponse<String>> answer : across) {
      assertAnswered(answer.join());
    }
    List<VmStats> after = stack.gpuVms();
    assertThat(after).as("a VM removed while a stream ran on it drained: " + after)
        .anySatisfy(v -> assertThat(v.state()).isIn(VmStats.State.DRAINING, VmStats.State.GONE));
    assertThat(after.stream().mapToLong(VmStats::cut).sum()).as("no stream cut: " + after).isZero();
    assertThat(status().get("phase").getAsString()).isEqualTo("AWAKE");
  }

  private CompletableFuture<HttpResponse<String>> prompt(String text) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(stack.frontend().url() + "/api/generate"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"" + text + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A 200 whose NDJSON stream ends with {@code done: true} and holds the whole answer. */
  private static void assertAnswered(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    List<JsonObject> lines = answer.body().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(lines.get(lines.size() - 1).get("done").getAsBoolean()).as("the stream completed").isTrue();
    assertThat(lines.stream().filter(l -> l.has("response")).map(l -> l.get("response").getAsString())
        .collect(Collectors.joining())).contains(ANSWER);
  }

  private JsonObject status() throws Exception {
    return TestStacks.status(stack);
  }

  private JsonObject scale() throws Exception {
    return status().getAsJsonObject("scale");
  }

  /** The newest history event of this kind. */
  private JsonObject latest(String kind) throws Exception {
    for (JsonElement event : status().getAsJsonArray("history")) {
      if (kind.equals(event.getAsJsonObject().get("kind").getAsString())) {
        return event.getAsJsonObject();
      }
    }
    throw new AssertionError("no " + kind + " in the history: " + status());
  }
}
