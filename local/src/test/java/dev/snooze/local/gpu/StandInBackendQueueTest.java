package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One VM with Ollama's queue, OLLAMA_NUM_PARALLEL=1 and OLLAMA_MAX_QUEUE=2: it generates one
 * answer at a time, holds two more waiting, and turns the next away with Ollama's 503.
 */
class StandInBackendQueueTest {
  /** About 25 tokens: an answer takes over a second, far longer than sending the prompts. */
  private static final Duration TOKEN_INTERVAL = Duration.ofMillis(50);
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final String VM = "snooze-gpu-a1b2";
  private static final String OLLAMA_BUSY =
      "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}";

  private final HttpClient http = HttpClient.newHttpClient();
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private StandInBackend backend;

  @BeforeEach
  void start() {
    backend = StandInBackend.start(0, () -> Upstreams.serving(List.of(VM)), TOKEN_INTERVAL,
        ModelSettings.instant(), new Concurrency(1, 2), null);
    await().atMost(AWAIT).until(backend::serving);
  }

  @AfterEach
  void stop() {
    clients.shutdownNow();
    backend.close();
  }

  @Test
  void aFullQueueTurnsTheNextPromptAwayWithOllamasBusyAnswerAndTheQueuedOnesAreAnsweredInTurn() throws Exception {
    List<CompletableFuture<StreamedAnswer>> held = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String prompt = "prompt " + i;
      held.add(CompletableFuture.supplyAsync(() -> StreamedAnswer.generate(http, backend.baseUrl(), prompt), clients));
    }
    await().atMost(AWAIT).pollInterval(Duration.ofMillis(5)).until(() -> vm().inFlight() == 3);

    StreamedAnswer fourth = StreamedAnswer.generate(http, backend.baseUrl(), "prompt 4");
    assertThat(fourth.status()).isEqualTo(503);
    assertThat(fourth.body()).isEqualTo(OLLAMA_BUSY);
    HttpResponse<String> openAi = http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"model\":\"snooze-demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(openAi.statusCode()).isEqualTo(503);
    JsonObject error = JsonParser.parseString(openAi.body()).getAsJsonObject().getAsJsonObject("error");
    assertThat(error.get("message").getAsString())
        .isEqualTo("server busy, please try again.  maximum pending requests exceeded");
    assertThat(error.get("type").getAsString()).isEqualTo("api_error");
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).as("the health check is never queued").isEqualTo(200);

    List<StreamedAnswer> answered = new ArrayList<>();
    for (CompletableFuture<StreamedAnswer> answer : held) {
      answered.add(answer.get(AWAIT.toSeconds(), TimeUnit.SECONDS));
    }
    assertThat(answered).allSatisfy(a -> {
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.complete()).as("every token and the done line").isTrue();
    });
    // One at a time: a queued prompt's first token comes only after the answer before it ended.
    answered.sort(Comparator.comparingLong(StreamedAnswer::firstLineNanos));
    for (int i = 1; i < answered.size(); i++) {
      assertThat(answered.get(i).firstLineNanos()).isGreaterThan(answered.get(i - 1).lastLineNanos());
    }
    await().atMost(AWAIT).until(() -> vm().answered() == 3 && vm().inFlight() == 0);
    assertThat(vm()).isEqualTo(new VmStats(VM, VmStats.State.SERVING, 0, 3, 2, 0));
  }

  private VmStats vm() {
    return backend.vmStats().get(0);
  }
}
