package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.compute.TestClock;
import dev.snooze.local.http.LoopbackServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The native API over one VM's model memory: warm-up, waits for a load, keep_alive, /api/ps. */
class OllamaModelMemoryTest {
  private static final Instant START = Instant.parse("2026-12-03T11:30:00Z");
  private final TestClock clock = new TestClock(START);
  private final HttpClient http = HttpClient.newHttpClient();
  private LoopbackServer vm;

  private void start(Duration keepAlive, HeldLoads loads) throws Exception {
    ModelMemory memory = new ModelMemory("vm-1",
        new ModelSettings(ModelSettings.DEFAULT_MODEL, Duration.ofSeconds(2), keepAlive), clock, loads);
    vm = LoopbackServer.start(0, new OllamaApi(Duration.ofMillis(1), clock, memory));
  }

  @AfterEach
  void stop() {
    if (vm != null) {
      vm.close();
    }
  }

  @Test
  void theWarmUpLoadsTheModelAndTheHealthCheckAnswersBeforeIt() throws Exception {
    HeldLoads loads = HeldLoads.held();
    start(ModelSettings.NEVER_UNLOAD, loads);
    // The container is up: Ollama answers its health check with no model loaded.
    assertThat(get("/").body()).isEqualTo("Ollama is running");
    assertThat(ps()).isEmpty();

    CompletableFuture<HttpResponse<String>> warmUp = postAsync("/api/generate", "{\"model\":\"snooze-demo\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> loads.started() == 1);
    assertThat(warmUp).isNotDone();
    loads.finish();

    JsonObject loaded = json(warmUp.get(10, TimeUnit.SECONDS).body());
    assertThat(loaded.get("model").getAsString()).isEqualTo("snooze-demo");
    assertThat(loaded.get("created_at").getAsString()).isEqualTo(OffsetDateTime.parse("2026-12-03T11:30:00Z").toString());
    assertThat(loaded.get("response").getAsString()).isEmpty();
    assertThat(loaded.get("done").getAsBoolean()).isTrue();
    assertThat(loaded.get("done_reason").getAsString()).isEqualTo("load");

    JsonArray models = ps();
    assertThat(models).hasSize(1);
    assertThat(models.get(0).getAsJsonObject().get("name").getAsString()).isEqualTo("snooze-demo:latest");
    // Never unloaded: Ollama's farthest expiry, centuries away.
    assertThat(OffsetDateTime.parse(models.get(0).getAsJsonObject().get("expires_at").getAsString()).getYear())
        .isGreaterThan(2200);

    // A chat without messages is a warm-up too, and finds the model loaded.
    JsonObject chatLoad = json(post("/api/chat", "{\"model\":\"snooze-demo\",\"messages\":[]}").body());
    assertThat(chatLoad.get("done_reason").getAsString()).isEqualTo("load");
    assertThat(loads.started()).isEqualTo(1);
  }

  @Test
  void aPromptAfterTheKeepAliveRanOutWaitsForAReload() throws Exception {
    HeldLoads loads = HeldLoads.instant();
    start(Duration.ofMinutes(5), loads);
    JsonObject first = json(post("/api/generate", "{\"model\":\"snooze-demo\",\"prompt\":\"hi\",\"stream\":false}").body());
    assertThat(first.get("load_duration").getAsLong()).isPositive();
    assertThat(expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));

    clock.advance(Duration.ofMinutes(4));
    JsonObject warm = json(post("/api/generate", "{\"model\":\"snooze-demo\",\"prompt\":\"hi\",\"stream\":false}").body());
    assertThat(warm.get("load_duration").getAsLong()).isZero();
    assertThat(loads.started()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(5));
    assertThat(ps()).isEmpty();
    post("/api/chat", "{\"model\":\"snooze-demo\",\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}");
    assertThat(loads.started()).isEqualTo(2);
  }

  @Test
  void aRequestsKeepAliveSetsTheExpiryAndZeroWithoutAPromptUnloads() throws Exception {
    start(ModelSettings.NEVER_UNLOAD, HeldLoads.instant());
    post("/api/generate", "{\"model\":\"snooze-demo\",\"keep_alive\":\"30s\"}");
    assertThat(expiresAt()).isEqualTo(START.plusSeconds(30));
    post("/api/generate", "{\"model\":\"snooze-demo\",\"prompt\":\"x\",\"stream\":false,\"keep_alive\":90}");
    assertThat(expiresAt()).isEqualTo(START.plusSeconds(90));

    JsonObject unloaded = json(post("/api/generate", "{\"model\":\"snooze-demo\",\"keep_alive\":0}").body());
    assertThat(unloaded.get("done_reason").getAsString()).isEqualTo("unload");
    assertThat(ps()).isEmpty();

    HttpResponse<String> bad = post("/api/generate", "{\"model\":\"snooze-demo\",\"keep_alive\":\"soon\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad.body()).get("error").getAsString()).isEqualTo("time: invalid duration \"soon\"");
  }

  private Instant expiresAt() throws Exception {
    return OffsetDateTime.parse(ps().get(0).getAsJsonObject().get("expires_at").getAsString()).toInstant();
  }

  private JsonArray ps() throws Exception {
    HttpResponse<String> response = get("/api/ps");
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response.body()).getAsJsonArray("models");
  }

  private static JsonObject json(String body) {
    return JsonParser.parseString(body).getAsJsonObject();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(vm.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return postAsync(path, body).get(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(vm.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
