package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.compute.TestClock;
import dev.snooze.local.http.LoopbackServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible API under /v1/, as Ollama serves it and the OpenAI SDKs read it. */
class OpenAiApiTest {
  private static final Duration TOKEN_INTERVAL = Duration.ofMillis(20);
  private static final Instant START = Instant.parse("2026-12-03T11:30:00Z");
  private static final String CHAT =
      "{\"model\":\"snooze-demo\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
          + "{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]";
  private final TestClock clock = new TestClock(START);
  private final HttpClient http = HttpClient.newHttpClient();
  private final HeldLoads loads = HeldLoads.instant();
  private LoopbackServer vm;

  private void start(HeldLoads loadWait) throws Exception {
    ModelMemory memory = new ModelMemory("vm-1",
        new ModelSettings(ModelSettings.DEFAULT_MODEL, Duration.ofSeconds(2), ModelSettings.NEVER_UNLOAD),
        clock, loadWait);
    vm = LoopbackServer.start(0, new OllamaApi(TOKEN_INTERVAL, clock, memory));
  }

  @AfterEach
  void stop() {
    vm.close();
  }

  @Test
  void listsTheModel() throws Exception {
    start(loads);
    HttpResponse<String> models = get("/v1/models");
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(models.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonObject list = json(models.body());
    assertThat(list.get("object").getAsString()).isEqualTo("list");
    JsonObject model = list.getAsJsonArray("data").get(0).getAsJsonObject();
    assertThat(model.keySet()).containsExactlyInAnyOrder("id", "object", "created", "owned_by");
    assertThat(model.get("id").getAsString()).isEqualTo("snooze-demo:latest");
    assertThat(model.get("object").getAsString()).isEqualTo("model");
    assertThat(model.get("created").getAsLong()).isPositive();
    assertThat(model.get("owned_by").getAsString()).isEqualTo("library");

    assertThat(json(get("/v1/models/snooze-demo").body()).get("id").getAsString()).isEqualTo("snooze-demo:latest");
    assertError(get("/v1/models/llama3"), 404, "model_not_found");
  }

  @Test
  void streamsAChatCompletionAsServerSentEventsOneTokenPerEvent() throws Exception {
    start(loads);
    HttpResponse<InputStream> response = postStream("/v1/chat/completions", CHAT + ",\"stream\":true}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");

    List<String> events = new ArrayList<>();
    List<Long> arrivals = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isEmpty()) {
          continue; // the blank line that ends each event
        }
        assertThat(line).startsWith("data: ");
        events.add(line.substring("data: ".length()));
        arrivals.add(System.nanoTime());
      }
    }
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    List<JsonObject> chunks = events.subList(0, events.size() - 1).stream().map(OpenAiApiTest::json).toList();
    StringBuilder text = new StringBuilder();
    for (JsonObject chunk : chunks) {
      assertThat(chunk.get("id").getAsString()).startsWith("chatcmpl-").isEqualTo(chunks.get(0).get("id").getAsString());
      assertThat(chunk.get("object").getAsString()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.get("created").getAsLong()).isEqualTo(START.getEpochSecond());
      assertThat(chunk.get("model").getAsString()).isEqualTo("snooze-demo");
      assertThat(chunk.get("system_fingerprint").getAsString()).isEqualTo("fp_ollama");
      JsonObject choice = chunk.getAsJsonArray("choices").get(0).getAsJsonObject();
      assertThat(choice.get("index").getAsInt()).isZero();
      assertThat(choice.getAsJsonObject("delta").get("role").getAsString()).isEqualTo("assistant");
      text.append(choice.getAsJsonObject("delta").get("content").getAsString());
    }
    JsonObject last = chunks.get(chunks.size() - 1).getAsJsonArray("choices").get(0).getAsJsonObject();
    assertThat(last.get("finish_reason").getAsString()).isEqualTo("stop");
    assertThat(chunks.subList(0, chunks.size() - 1))
        .allSatisfy(c -> assertThat(c.getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason").isJsonNull()).isTrue());
    assertThat(text.toString()).startsWith("You asked: \"Why is the sky blue?\".");
    // Flushed per event, not buffered: the events arrive spread over the token pauses.
    Duration spread = Duration.ofNanos(arrivals.get(chunks.size() - 1) - arrivals.get(0));
    assertThat(spread).isGreaterThanOrEqualTo(TOKEN_INTERVAL.multipliedBy(chunks.size() - 2));
  }

  @Test
  void answersAChatCompletionWholeWithUsage() throws Exception {
    start(loads);
    HttpResponse<String> response = post("/v1/chat/completions", CHAT + "}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject completion = json(response.body());
    assertThat(completion.get("id").getAsString()).startsWith("chatcmpl-");
    assertThat(completion.get("object").getAsString()).isEqualTo("chat.completion");
    assertThat(completion.get("created").getAsLong()).isEqualTo(START.getEpochSecond());
    assertThat(completion.get("model").getAsString()).isEqualTo("snooze-demo");
    assertThat(completion.get("system_fingerprint").getAsString()).isEqualTo("fp_ollama");
    JsonObject choice = completion.getAsJsonArray("choices").get(0).getAsJsonObject();
    assertThat(choice.get("index").getAsInt()).isZero();
    assertThat(choice.get("finish_reason").getAsString()).isEqualTo("stop");
    assertThat(choice.getAsJsonObject("message").get("role").getAsString()).isEqualTo("assistant");
    String content = choice.getAsJsonObject("message").get("content").getAsString();
    assertThat(content).contains("Why is the sky blue?");
    JsonObject usage = completion.getAsJsonObject("usage");
    assertThat(usage.get("prompt_tokens").getAsInt()).isEqualTo(7); // "be brief" + the question
    assertThat(usage.get("completion_tokens").getAsInt()).isEqualTo(StandInModel.answer("Why is the sky blue?").size());
    assertThat(usage.get("total_tokens").getAsInt())
        .isEqualTo(usage.get("prompt_tokens").getAsInt() + usage.get("completion_tokens").getAsInt());
  }

  @Test
  void answersCompletionsWholeAndStreamedAndHonoursMaxTokensAndIncludeUsage() throws Exception {
    start(loads);
    JsonObject whole = json(post("/v1/completions", "{\"model\":\"snooze-demo:latest\",\"prompt\":\"Say hi\"}").body());
    assertThat(whole.get("id").getAsString()).startsWith("cmpl-");
    assertThat(whole.get("object").getAsString()).isEqualTo("text_completion");
    JsonObject choice = whole.getAsJsonArray("choices").get(0).getAsJsonObject();
    assertThat(choice.get("text").getAsString()).startsWith("You asked: \"Say hi\".");
    assertThat(choice.get("finish_reason").getAsString()).isEqualTo("stop");
    assertThat(whole.getAsJsonObject("usage").get("prompt_tokens").getAsInt()).isEqualTo(2);

    String streamed = new String(postStream("/v1/completions",
        "{\"model\":\"snooze-demo\",\"prompt\":\"Say hi\",\"stream\":true,\"max_tokens\":3,"
            + "\"stream_options\":{\"include_usage\":true}}").body().readAllBytes(), StandardCharsets.UTF_8);
    List<String> events = List.of(streamed.split("\n\n"));
    assertThat(events).hasSize(3 + 1 + 1 + 1).last().isEqualTo("data: [DONE]");
    JsonObject end = json(events.get(3).substring(6));
    assertThat(end.get("object").getAsString()).isEqualTo("text_completion");
    assertThat(end.getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason").getAsString())
        .isEqualTo("length");
    JsonObject usage = json(events.get(4).substring(6));
    assertThat(usage.getAsJsonArray("choices")).isEmpty();
    assertThat(usage.getAsJsonObject("usage").get("completion_tokens").getAsInt()).isEqualTo(3);
  }

  @Test
  void aRequestWaitsForTheModelToLoadAsOnTheNativeApi() throws Exception {
    HeldLoads held = HeldLoads.held();
    start(held);
    CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request("/v1/chat/completions", CHAT + "}"),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> held.started() == 1);
    assertThat(answer).isNotDone();
    held.finish();
    assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(held.started()).isEqualTo(1);
  }

  @Test
  void rejectsBadRequestsWithOpenAiErrors() throws Exception {
    start(loads);
    assertError(post("/v1/chat/completions", "not json"), 400, null);
    assertError(post("/v1/chat/completions", "{\"model\":\"snooze-demo\"}"), 400, "missing_required_parameter");
    assertError(post("/v1/chat/completions", "{\"model\":\"snooze-demo\",\"messages\":[]}"), 400,
        "missing_required_parameter");
    assertError(post("/v1/completions", "{\"model\":\"snooze-demo\"}"), 400, "missing_required_parameter");
    assertError(post("/v1/chat/completions", CHAT + ",\"stream\":\"yes\"}"), 400, "invalid_type");
    assertError(post("/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404, "model_not_found");
    assertError(get("/v1/chat/completions"), 405, null);
    assertError(post("/v1/embeddings", "{}"), 404, null);
    assertThat(loads.started()).isZero(); // none of them touched the model
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonObject error = json(response.body()).getAsJsonObject("error");
    assertThat(error.keySet()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.get("message").getAsString()).isNotBlank();
    assertThat(error.get("type").getAsString()).isEqualTo("invalid_request_error");
    JsonElement actual = error.get("code");
    if (code == null) {
      assertThat(actual.isJsonNull()).isTrue();
    } else {
      assertThat(actual.getAsString()).isEqualTo(code);
    }
  }

  private static JsonObject json(String body) {
    return JsonParser.parseString(body).getAsJsonObject();
  }

  private HttpRequest request(String path, String body) {
    return HttpRequest.newBuilder(URI.create(vm.baseUrl() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(vm.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<InputStream> postStream(String path, String body) throws Exception {
    return http.send(request(path, body), HttpResponse.BodyHandlers.ofInputStream());
  }
}
