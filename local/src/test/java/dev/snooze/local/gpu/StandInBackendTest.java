package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StandInBackendTest {
  private static final Duration TOKEN_INTERVAL = Duration.ofMillis(40);
  private static final Duration AWAIT = Duration.ofSeconds(30);

  /** The simulated instances that serve now, as the Compute simulator would report them. */
  private final AtomicReference<List<String>> serving = new AtomicReference<>(List.of());
  private final HttpClient http = HttpClient.newHttpClient();
  private StandInBackend backend;

  @BeforeEach
  void start() {
    backend = StandInBackend.start(0, serving::get, TOKEN_INTERVAL);
  }

  @AfterEach
  void stop() {
    backend.close();
  }

  @Test
  void theLoadBalancerAnswers503NoHealthyUpstreamWhileNoInstanceServes() throws Exception {
    assertThat(backend.serving()).isFalse();
    assertNoHealthyUpstream(get("/"));
    HttpResponse<InputStream> generate =
        post("/api/generate", "{\"model\":\"snooze-demo\",\"prompt\":\"hi\"}");
    assertThat(generate.statusCode()).isEqualTo(503);
    assertThat(new String(generate.body().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("no healthy upstream");
  }

  @Test
  void answersLikeOllamaOnceAnInstanceServes() throws Exception {
    wake();

    HttpResponse<String> root = get("/");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("Ollama is running");

    HttpResponse<String> tags = get("/api/tags");
    assertThat(tags.statusCode()).isEqualTo(200);
    assertThat(JsonParser.parseString(tags.body()).getAsJsonObject()
            .getAsJsonArray("models").get(0).getAsJsonObject().get("name").getAsString())
        .isEqualTo("snooze-demo:latest");
  }

  @Test
  void streamsGenerateTokensOneLineAtATimeWithRealPauses() throws Exception {
    wake();
    List<Long> arrivals = new ArrayList<>();
    List<JsonObject> lines = new ArrayList<>();

    HttpResponse<InputStream> response =
        post("/api/generate", "{\"model\":\"snooze-demo\",\"prompt\":\"Why is the sky blue?\"}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    try (BufferedReader reader = lines(response)) {
      for (String line; (line = reader.readLine()) != null; ) {
        arrivals.add(System.nanoTime());
        lines.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }

    JsonObject last = lines.get(lines.size() - 1);
    assertThat(last.get("done").getAsBoolean()).isTrue();
    assertThat(last.get("done_reason").getAsString()).isEqualTo("stop");
    assertThat(last.get("eval_count").getAsInt()).isEqualTo(lines.size() - 1);
    StringBuilder text = new StringBuilder();
    lines.subList(0, lines.size() - 1).forEach(l -> text.append(l.get("response").getAsString()));
    assertThat(text.toString()).contains("Why is the sky blue?");
    // Progressive, not buffered: the lines arrive spread over (at least) the token pauses.
    Duration spread = Duration.ofNanos(arrivals.get(arrivals.size() - 1) - arrivals.get(0));
    assertThat(spread).isGreaterThanOrEqualTo(TOKEN_INTERVAL.multipliedBy(lines.size() - 2));
  }

  @Test
  void streamsChatMessagesAndAnswersWholeWithoutStreaming() throws Exception {
    wake();
    String body =
        "{\"model\":\"snooze-demo:latest\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]";

    List<JsonObject> chunks = new ArrayList<>();
    try (BufferedReader reader = lines(post("/api/chat", body + "}"))) {
      for (String line; (line = reader.readLine()) != null; ) {
        chunks.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    assertThat(chunks.get(0).getAsJsonObject("message").get("role").getAsString())
        .isEqualTo("assistant");
    assertThat(chunks.get(chunks.size() - 1).get("done").getAsBoolean()).isTrue();

    HttpResponse<InputStream> whole = post("/api/chat", body + ",\"stream\":false}");
    JsonObject answer =
        JsonParser.parseString(new String(whole.body().readAllBytes(), StandardCharsets.UTF_8))
            .getAsJsonObject();
    assertThat(answer.get("done").getAsBoolean()).isTrue();
    assertThat(answer.getAsJsonObject("message").get("content").getAsString()).contains("hi there");
  }

  @Test
  void cutsOpenStreamsAndAnswers503ToNewOnesWhenTheLastInstanceGoes() throws Exception {
    wake();
    HttpResponse<InputStream> response =
        post("/api/generate", "{\"model\":\"snooze-demo\",\"prompt\":\"a long answer\"}");
    List<String> received = new ArrayList<>();
    try (BufferedReader reader = lines(response)) {
      received.add(reader.readLine());
      serving.set(List.of());
      await().atMost(AWAIT).until(() -> !backend.serving());
      try {
        for (String line; (line = reader.readLine()) != null; ) {
          received.add(line);
        }
      } catch (IOException cut) {
        // The connection reset is how a client sees a deleted VM.
      }
    }
    assertThat(received).noneMatch(line -> line.contains("\"done\":true"));
    assertNoHealthyUpstream(get("/"));
    assertThat(backend.vmStats()).singleElement().satisfies(vm -> {
      assertThat(vm.state()).isEqualTo(VmStats.State.GONE);
      assertThat(vm.cut()).as("the stream it held").isEqualTo(1);
      assertThat(vm.answered()).isZero();
    });
  }

  @Test
  void rejectsBadRequestsWithOllamaStyleErrors() throws Exception {
    wake();
    assertError(post("/api/generate", "not json"), 400, "invalid JSON body");
    assertError(post("/api/generate", "{\"prompt\":\"x\"}"), 400, "model is required");
    assertError(post("/api/generate", "{\"model\":\"llama3\",\"prompt\":\"x\"}"), 404,
        "model 'llama3' not found");
    assertError(post("/api/generate", "{\"model\":\"snooze-demo\",\"stream\":\"yes\"}"), 400,
        "stream must be true or false");
    assertError(post("/api/nothing", "{}"), 404, "404 page not found");
  }

  private void wake() {
    serving.set(List.of("snooze-gpu-a1b2"));
    await().atMost(AWAIT).until(backend::serving);
  }

  private static void assertNoHealthyUpstream(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("no healthy upstream");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(backend.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<InputStream> post(String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(backend.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private static BufferedReader lines(HttpResponse<InputStream> response) {
    return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  private static void assertError(HttpResponse<InputStream> response, int status, String message)
      throws IOException {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonObject body =
        JsonParser.parseString(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
            .getAsJsonObject();
    assertThat(body.get("error").getAsString()).isEqualTo(message);
  }
}
