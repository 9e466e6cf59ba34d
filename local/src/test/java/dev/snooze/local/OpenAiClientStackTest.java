package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An API user's path with the official OpenAI Java client, pointed at the frontend's
 * {@code /v1}: a streamed chat completion sent while the GPU sleeps is held through the wake and
 * the model's load, then streams its tokens; the client never sees the cold start but as time.
 */
@ExtendWith(SharedEmulators.class)
class OpenAiClientStackTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalStack stack;
  private OpenAIClient openAi;

  @AfterEach
  void stop() {
    if (openAi != null) {
      openAi.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theOpenAiClientStreamsAChatCompletionFromASleepingGpu(LocalEmulators emulators) throws Exception {
    Map<String, String> knobs = new java.util.HashMap<>(TestStacks.ONE_OFFER);
    knobs.putAll(Map.of("SNOOZE_IDLE_TIMEOUT", "30", "SNOOZE_SLEEP_CHECK_INTERVAL", "1", "SNOOZE_SIM_BOOT_TIME", "1"));
    // No SNOOZE_ALLOWED_PATHS: /v1/ must pass with the frontend's defaults.
    stack = LocalStack.start(TestStacks.env(emulators, knobs));
    String frontend = stack.frontend().url();
    openAi = OpenAIOkHttpClient.builder()
        .baseUrl(frontend + "/v1")
        .apiKey("unused")
        // No retries: the answer must come from the frontend holding the request, not from the
        // client trying again after a 503.
        .maxRetries(0)
        .timeout(Duration.ofMinutes(2))
        .build();
    await().atMost(Duration.ofSeconds(30)).until(() -> phase(frontend).equals("ASLEEP"));

    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
        .model("snooze-demo")
        .addSystemMessage("Answer briefly.")
        .addUserMessage("Are you awake?")
        .build();
    long sent = System.nanoTime();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    Duration firstToken;
    HttpResponseFor<StreamResponse<ChatCompletionChunk>> response =
        openAi.chat().completions().withRawResponse().createStreaming(params);
    try (StreamResponse<ChatCompletionChunk> stream = response.parse()) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().values("X-Snooze-Cold-Start")).containsExactly("true");
      var iterator = stream.stream().iterator();
      assertThat(iterator.hasNext()).isTrue();
      firstToken = Duration.ofNanos(System.nanoTime() - sent);
      iterator.forEachRemaining(chunks::add);
    }
    System.out.println("OpenAI client, sleeping GPU: first token after " + firstToken.toMillis() + " ms");

    StringBuilder text = new StringBuilder();
    chunks.forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
    assertThat(text.toString()).startsWith("You asked: \"Are you awake?\".")
        .endsWith("from a simulated GPU VM that woke up for you.");
    assertThat(chunks).hasSizeGreaterThan(10)
        .allSatisfy(chunk -> assertThat(chunk.model()).isEqualTo("snooze-demo"));
    // The stream completed: its last chunk says why it stopped (and the client read [DONE]).
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices().get(0).finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(stack.compute().calls()).containsEntry("compute.regionInstanceGroupManagers.resize", 1L);

    // Warm now: a plain, non-streamed call.
    List<Model> models = openAi.models().list().data();
    assertThat(models).extracting(Model::id).containsExactly("snooze-demo:latest");
    assertThat(models.get(0).ownedBy()).isEqualTo("library");
  }

  /** The Status function's phase as the page sees it, or "" while the frontend has none yet. */
  private String phase(String frontend) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(frontend + "/snooze/status")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject status = JsonParser.parseString(response.body()).getAsJsonObject();
    return status.get("function").isJsonObject()
        ? status.getAsJsonObject("function").get("phase").getAsString() : "";
  }
}
