package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web user's path on the whole local stack: the page while the GPU sleeps, then a prompt
 * that is held while the GPU wakes through the real Pub/Sub path and answered, streamed, once
 * the simulated VM has booted.
 */
@ExtendWith(SharedEmulators.class)
class FrontendStackTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aPromptWhileAsleepWakesTheGpuAndStreamsTheAnswer(LocalEmulators emulators) throws Exception {
    Map<String, String> env = TestStacks.env(emulators, Map.of(
        "SNOOZE_IDLE_TIMEOUT", "30", "SNOOZE_SLEEP_CHECK_INTERVAL", "1", "SNOOZE_SIM_BOOT_TIME", "1"));
    stack = LocalStack.start(env);
    String frontend = stack.frontend().url();

    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(frontend + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    await().atMost(Duration.ofSeconds(30)).until(() -> phase(frontend).equals("ASLEEP"));

    HttpResponse<InputStream> answer = http.send(
        HttpRequest.newBuilder(URI.create(frontend + "/api/generate"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"Are you awake?\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("X-Snooze-Cold-Start")).hasValue("true");
    List<JsonObject> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    assertThat(lines.get(lines.size() - 1).get("done").getAsBoolean()).isTrue();
    StringBuilder text = new StringBuilder();
    lines.forEach(l -> text.append(l.get("response").getAsString()));
    assertThat(text.toString()).contains("Are you awake?");
    assertThat(stack.compute().calls()).containsEntry("compute.regionInstanceGroupManagers.resize", 1L);
    await().atMost(Duration.ofSeconds(30)).until(() -> phase(frontend).equals("AWAKE"));
  }

  /** The Status function's phase as the page sees it, or "" while the frontend has none yet. */
  private String phase(String frontend) throws Exception {
    JsonObject status = status(frontend);
    return status.get("function").isJsonObject()
        ? status.getAsJsonObject("function").get("phase").getAsString() : "";
  }

  private JsonObject status(String frontend) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(frontend + "/snooze/status")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }
}
