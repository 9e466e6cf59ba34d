package dev.snooze.cli.smoke;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sends one streamed prompt through the frontend, as a user's client does, and times its first
 * token and its end; and lists the models when none was named.
 */
final class PromptClient {
  /** A model list is small and the GPU is awake when it is asked: it answers in seconds or not at all. */
  static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);

  private final Http http;
  private final URI frontend;
  private final TokenSource tokens;
  private final Api api;

  PromptClient(Http http, URI frontend, TokenSource tokens, Api api) {
    this.http = http;
    this.frontend = frontend;
    this.tokens = tokens;
    this.api = api;
  }

  /** The models the backend lists, in its order. */
  List<String> models(Deadline deadline) throws SmokeFailure, InterruptedException {
    URI url = URI.create(frontend + api.modelsPath());
    HttpResponse<String> response;
    try {
      response = http.get(url, tokens, deadline.remainingAtMost(LIST_TIMEOUT));
    } catch (IOException e) {
      throw new SmokeFailure("model", "GET " + url + ": " + StatusClient.describe(e) + " (or give --model NAME)");
    }
    if (response.statusCode() != 200) {
      throw new SmokeFailure("model", "GET " + url + ": " + Rejection.explain(response.statusCode(),
          response.headers().firstValue("Location"), response.body(), tokens, false) + " (or give --model NAME)");
    }
    try {
      return api.models(response.body());
    } catch (Api.AnswerError e) {
      throw new SmokeFailure("model", "GET " + url + ": " + e.getMessage() + " (give --model NAME)");
    }
  }

  /**
   * The prompt and its answer as they happened: nano times of sending, the first token and the end.
   *
   * @param coldStart whether the frontend held the prompt for a wake (its {@code X-Snooze-Cold-Start})
   */
  record Answer(long sentNanos, long firstTokenNanos, long endNanos, long bytes, String text, boolean coldStart) {
    Duration firstToken() {
      return Duration.ofNanos(firstTokenNanos - sentNanos);
    }

    Duration complete() {
      return Duration.ofNanos(endNanos - sentNanos);
    }
  }

  /**
   * Sends the prompt and waits for its first token, which {@code onFirstToken} is told at once (the
   * time since sending), then for the end of the answer.
   */
  Answer send(String model, String prompt, Deadline deadline, Consumer<Duration> onFirstToken)
      throws SmokeFailure, InterruptedException {
    URI url = URI.create(frontend + api.promptPath());
    AnswerReader reader = new AnswerReader(api);
    HttpRequest request = Http.request(url, tokens, deadline.remainingAtMost(Duration.ofDays(1)))
        .header("Content-Type", "application/json")
        .header("Accept", api == Api.OPENAI ? "text/event-stream" : "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(api.promptBody(model, prompt)))
        .build();
    long sent = System.nanoTime();
    CompletableFuture<HttpResponse<Void>> response = http.client().sendAsync(request, reader.handler());
    response.whenComplete((r, error) -> {
      if (error != null) {
        reader.fail(error);
      }
    });
    try {
      long first = await(reader.firstToken(), deadline, "first token", "no token within the --timeout", response,
          reader, url);
      onFirstToken.accept(Duration.ofNanos(first - sent));
      long end = await(reader.finished(), deadline, "answer", "the answer did not end within the --timeout, "
          + reader.bytes() + " bytes in", response, reader, url);
      if (!reader.endMarker()) {
        throw new SmokeFailure("answer", "the answer stream ended without its end marker ("
            + (api == Api.OLLAMA ? "\"done\": true" : "data: [DONE]") + ") after " + reader.bytes()
            + " bytes: cut off on the way?");
      }
      boolean coldStart = reader.headers() != null
          && reader.headers().firstValue("X-Snooze-Cold-Start").map("true"::equalsIgnoreCase).orElse(false);
      return new Answer(sent, first, end, reader.bytes(), reader.text(), coldStart);
    } finally {
      reader.cancel();
      response.cancel(true);
    }
  }

  /** The event's nano time once it has happened; a failure names {@code step}, or "prompt" when the request was refused. */
  private long await(CompletableFuture<Long> event, Deadline deadline, String step, String late,
      CompletableFuture<HttpResponse<Void>> response, AnswerReader reader, URI url)
      throws SmokeFailure, InterruptedException {
    try {
      return event.get(Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      reader.cancel();
      response.cancel(true);
      throw new SmokeFailure(step, "POST " + url + ": " + late);
    } catch (CancellationException e) {
      throw new SmokeFailure(step, "POST " + url + ": cancelled");
    } catch (ExecutionException e) {
      throw new SmokeFailure(reader.headers() == null || e.getCause() instanceof AnswerReader.Refused ? "prompt" : step,
          "POST " + url + ": " + why(unwrap(e.getCause())));
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private String why(Throwable cause) {
    if (cause instanceof AnswerReader.Refused refused) {
      Optional<String> location = refused.headers == null ? Optional.empty() : refused.headers.firstValue("Location");
      return Rejection.explain(refused.status, location, refused.body, tokens, false);
    }
    if (cause instanceof Api.AnswerError answer) {
      return answer.getMessage();
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer within the --timeout";
    }
    if (cause instanceof IOException io) {
      return StatusClient.describe(io);
    }
    return String.valueOf(cause);
  }
}
