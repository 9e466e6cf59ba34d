package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GPU budget on the local stack, as a user meets it: a cap reached in the middle of a streamed
 * answer lets the answer finish, then the GPU sleeps; Status says OVER_BUDGET with the reset, a
 * new prompt is refused with 503 and Retry-After, and nothing wakes the GPU.
 */
@ExtendWith(SharedEmulators.class)
class BudgetStackTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String RESIZE = "compute.regionInstanceGroupManagers.resize";

  private final HttpClient http = HttpClient.newHttpClient();
  private LocalStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aCapReachedMidStreamLetsTheAnswerFinishThenTheGpuSleepsAndStaysAsleep(LocalEmulators emulators)
      throws Exception {
    Map<String, String> knobs = new HashMap<>(TestStacks.ONE_OFFER);
    knobs.put("SNOOZE_IDLE_TIMEOUT", "60"); // the idle timeout never decides here: the budget does
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", "0.5");
    knobs.put("SNOOZE_BUDGET_GPU_HOURS_PER_DAY", "0.004"); // 14.4 s of GPU a day
    knobs.put("SNOOZE_BUDGET_ZONE", "Europe/Warsaw");
    knobs.put("SNOOZE_SIM_STAGES", "provisioning=0.5,booting=0.2,driver=0.2,pulling-image=0.2,starting-container=0.2,"
        + "loading-model=0.5"); // the GPU serves ~2 s after the wake
    knobs.put("SNOOZE_SIM_TOKEN_INTERVAL", "0.6"); // the answer's ~30 tokens stream for ~18 s
    stack = LocalStack.start(TestStacks.env(emulators, knobs));

    Instant sent = Instant.now();
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stack.frontend().url() + "/api/generate"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"a long answer\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    Duration took = Duration.between(sent, Instant.now());

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    List<JsonObject> lines = answer.body().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(lines.get(lines.size() - 1).get("done").getAsBoolean()).as("the stream completed").isTrue();
    assertThat(lines.stream().filter(l -> l.has("response")).map(l -> l.get("response").getAsString())
        .collect(Collectors.joining())).contains("streamed token by token");
    assertThat(took).as("the cap (14.4 s of GPU) was reached while the answer streamed").isGreaterThan(Duration.ofSeconds(16));

    await().atMost(WAIT).until(() -> phase().equals("OVER_BUDGET"));
    JsonObject status = TestStacks.status(stack);
    JsonObject budget = status.getAsJsonObject("budget");
    assertThat(budget.get("exhausted").getAsBoolean()).isTrue();
    assertThat(budget.get("reason").getAsString()).startsWith("the budget of 0.004 GPU hours per day is used up (");
    assertThat(budget.get("gpuSecondsToday").getAsLong()).as("charged from the wake to the sleep, the stream within")
        .isBetween(16L, 45L);
    JsonObject sleep = status.getAsJsonArray("history").get(0).getAsJsonObject();
    assertThat(sleep.get("kind").getAsString()).isEqualTo("SLEEP");
    assertThat(sleep.get("reason").getAsString()).startsWith("over budget, no request in flight: the budget of");
    assertThat(stack.compute().calls().get(RESIZE)).as("one wake, one sleep").isEqualTo(2L);

    // A new prompt is refused at the frontend with the reason, and nothing wakes the GPU.
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(stack.frontend().url() + "/api/generate"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"again\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("the budget of 0.004 GPU hours per day is used up");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    Instant resetsAt = Instant.parse(budget.get("resetsAt").getAsString());
    assertThat(retryAfter).as("until midnight in Warsaw")
        .isBetween(Duration.between(Instant.now(), resetsAt).toSeconds() - 5, Duration.between(Instant.now(), resetsAt).toSeconds() + 5);
    assertThat(phase()).isEqualTo("OVER_BUDGET");
    assertThat(stack.compute().calls().get(RESIZE)).isEqualTo(2L);
  }

  private String phase() throws Exception {
    return TestStacks.status(stack).get("phase").getAsString();
  }
}
