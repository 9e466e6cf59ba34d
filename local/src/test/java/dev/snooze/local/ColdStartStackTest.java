package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A cold start as its users meet it on the local stack: a page opened wakes the GPU once, while
 * the person writes; an open tab lets it sleep; Status walks through every boot stage in order and
 * learns the next wake's ETA from this one; a prompt held during the wake is released only once
 * the model is loaded.
 */
@ExtendWith(SharedEmulators.class)
@Isolated // it measures stage times within 10%: nothing else may load the machine
class ColdStartStackTest {
  private static final List<String> STAGES = List.of("provisioning", "booting", "driver", "pulling-image",
      "starting-container", "loading-model", "ready");
  private static final String RESIZE = "compute.regionInstanceGroupManagers.resize";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newHttpClient();
  private LocalStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void openingThePageWakesTheGpuOnceAndAnOpenTabNeverKeepsItAwake(LocalEmulators emulators) throws Exception {
    start(emulators, "15", "provisioning=1");

    for (int reload = 0; reload < 20; reload++) {
      assertThat(intent().statusCode()).isEqualTo(204);
    }
    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    Instant woken = Instant.parse(TestStacks.status(stack).get("lastActivity").getAsString());
    // The tab is reloaded again and again for 4 s while the GPU is awake: the frontend publishes an
    // intent per debounce window (2 s here), and the functions ignore each one.
    Instant until = Instant.now().plusSeconds(4);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
      intent();
      return Instant.now().isAfter(until);
    });
    await().atMost(WAIT).until(() -> phase().equals("ASLEEP"));

    JsonObject status = TestStacks.status(stack);
    assertThat(Instant.parse(status.get("lastActivity").getAsString())).as("no intent moved the idle timer")
        .isEqualTo(woken);
    JsonObject sleep = status.getAsJsonArray("history").get(0).getAsJsonObject();
    assertThat(sleep.get("reason").getAsString()).startsWith("idle for");
    assertThat(Duration.between(woken, Instant.parse(sleep.get("at").getAsString())))
        .as("asleep at the idle timeout (15 s, plus the write granularity and a check) after the wake")
        .isLessThan(Duration.ofSeconds(19));
    assertThat(status.getAsJsonArray("history").get(1).getAsJsonObject().get("reason").getAsString())
        .startsWith("intent (a page opened)");
    assertThat(stack.compute().calls().get(RESIZE)).as("one wake (resize to 1), one sleep (resize to 0)")
        .isEqualTo(2L);
  }

  @Test
  void statusWalksEveryStageInOrderAndTheNextWakesEtaIsLearnedFromThisOne(LocalEmulators emulators)
      throws Exception {
    // Provisioning is measured from the claim in Firestore to the VM running: 8 s, so that the
    // functions' own latency (a transaction, a Compute call) stays well inside 10% of it.
    start(emulators, "20", "provisioning=8,booting=1,driver=2,pulling-image=2,starting-container=1,loading-model=2");

    intent();
    List<String> seen = stagesUntilReady();
    assertThat(seen).containsExactlyElementsOf(STAGES);
    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    Map<String, Double> first = stageSeconds(TestStacks.status(stack));
    await().atMost(WAIT).until(() -> phase().equals("ASLEEP"));
    JsonObject asleep = TestStacks.status(stack);
    assertThat(asleep.get("expectedWakeSource").getAsString()).isEqualTo("learned");

    intent();
    JsonObject waking = await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .until(() -> TestStacks.status(stack), s -> s.get("boot").isJsonObject());
    JsonObject boot = waking.getAsJsonObject("boot");
    assertThat(boot.get("etaSource").getAsString()).isEqualTo("learned");
    assertThat(boot.get("learnedFrom").getAsInt()).isEqualTo(1);
    Map<String, Double> expected = new LinkedHashMap<>();
    for (JsonElement stage : boot.getAsJsonArray("stages")) {
      JsonObject s = stage.getAsJsonObject();
      if (!s.get("expectedSeconds").isJsonNull()) {
        expected.put(s.get("name").getAsString(), s.get("expectedSeconds").getAsDouble());
      }
    }
    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    Map<String, Double> second = stageSeconds(TestStacks.status(stack));

    assertThat(expected).as("the ETA is learned from the first wake").isEqualTo(first);
    double expectedTotal = 0;
    double actualTotal = 0;
    for (String stage : STAGES.subList(0, 6)) {
      assertThat(expected.get(stage)).as(stage + ": expected vs seen in the second wake")
          .isCloseTo(second.get(stage), within(Math.max(0.1 * second.get(stage), 0.05)));
      expectedTotal += expected.get(stage);
      actualTotal += second.get(stage);
    }
    assertThat(expectedTotal).isCloseTo(actualTotal, within(0.1 * actualTotal));
  }

  @Test
  void aPromptHeldDuringTheWakeIsReleasedOnlyOnceTheModelIsLoaded(LocalEmulators emulators) throws Exception {
    start(emulators, "60", "provisioning=1,loading-model=4");

    CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(
            URI.create(stack.frontend().url() + "/api/generate"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"held\",\"stream\":false}"))
        .build(), HttpResponse.BodyHandlers.ofString());

    // The container answers its health check during loading-model: the frontend still holds.
    JsonObject loading = await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(this::frontendStatus,
        s -> s.get("function").isJsonObject() && s.getAsJsonObject("function").get("boot").isJsonObject()
            && s.getAsJsonObject("function").getAsJsonObject("boot").get("stage").getAsString().equals("loading-model")
            && backendAnswers());
    assertThat(loading.get("pending").getAsInt()).as("the prompt is held while the model loads").isEqualTo(1);
    assertThat(loading.getAsJsonObject("backend").get("ready").getAsBoolean()).isFalse();
    assertThat(answer).isNotDone();

    HttpResponse<String> response = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).hasValue("true");
    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(body.get("response").getAsString()).contains("held");
    assertThat(body.get("load_duration").getAsLong()).as("the warm-up loaded the model, not the prompt")
        .isLessThan(Duration.ofSeconds(1).toNanos());
    JsonObject boot = TestStacks.status(stack).getAsJsonObject("boot");
    assertThat(boot.get("stage").getAsString()).isEqualTo("ready");
  }

  private void start(LocalEmulators emulators, String idleTimeout, String stages) throws Exception {
    Map<String, String> knobs = new HashMap<>(TestStacks.ONE_OFFER);
    knobs.put("SNOOZE_IDLE_TIMEOUT", idleTimeout);
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", "0.5");
    knobs.put("SNOOZE_SIM_STAGES", stages);
    stack = LocalStack.start(TestStacks.env(emulators, knobs));
  }

  /** What the page sends when it is opened. */
  private HttpResponse<String> intent() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.frontend().url() + "/snooze/intent"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"trigger\":\"open\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject frontendStatus() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create(stack.frontend().url() + "/snooze/status")).build(), HttpResponse.BodyHandlers.ofString());
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  /** The internal load balancer has a VM whose container answers its health check. */
  private boolean backendAnswers() {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create(stack.endpoints().get("backend") + "/")).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String phase() throws Exception {
    return TestStacks.status(stack).get("phase").getAsString();
  }

  /** Every stage Status shows, in the order it shows them, until the model is loaded. */
  private List<String> stagesUntilReady() {
    List<String> seen = new ArrayList<>();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonElement boot = TestStacks.status(stack).get("boot");
      if (boot.isJsonObject()) {
        String stage = boot.getAsJsonObject().get("stage").getAsString();
        if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(stage)) {
          seen.add(stage);
        }
        return stage.equals("ready");
      }
      return false;
    });
    return seen;
  }

  /** Each stage's seconds as Status shows them once the wake is ready. */
  private static Map<String, Double> stageSeconds(JsonObject status) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (JsonElement stage : status.getAsJsonObject("boot").getAsJsonArray("stages")) {
      JsonObject s = stage.getAsJsonObject();
      if (!s.get("seconds").isJsonNull()) {
        seconds.put(s.get("name").getAsString(), s.get("seconds").getAsDouble());
      }
    }
    return seconds;
  }
}
