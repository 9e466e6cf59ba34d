package dev.snooze.cli.smoke;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Reads the streamed answer line by line as it arrives: when its first token came, how many bytes
 * of text, whether the stream reached its end marker. A refused request's body is kept instead
 * (briefly), to say why. Lines arrive on the HTTP client's threads; the smoke waits on
 * {@link #firstToken()} and {@link #finished()}.
 */
final class AnswerReader implements Flow.Subscriber<String> {
  /** Enough of the answer to show; the rest is only counted. */
  private static final int KEPT_CHARS = 2_000;

  private final Api api;
  private final CompletableFuture<Long> firstToken = new CompletableFuture<>();
  private final CompletableFuture<Long> finished = new CompletableFuture<>();
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder refusal = new StringBuilder();
  private volatile int status;
  private volatile HttpHeaders headers;
  private volatile Flow.Subscription subscription;
  private volatile long bytes;
  private volatile boolean endMarker;

  AnswerReader(Api api) {
    this.api = api;
  }

  /** The HTTP status of a response that was not a 200, with its body so far. */
  static final class Refused extends Exception {
    final int status;
    final HttpHeaders headers;
    final String body;

    Refused(int status, HttpHeaders headers, String body) {
      super("HTTP " + status);
      this.status = status;
      this.headers = headers;
      this.body = body;
    }
  }

  /** The handler for the prompt's response: notes the status and headers, then hands every line here. */
  HttpResponse.BodyHandler<Void> handler() {
    return info -> {
      status = info.statusCode();
      headers = info.headers();
      return HttpResponse.BodySubscribers.fromLineSubscriber(this, s -> null, StandardCharsets.UTF_8, null);
    };
  }

  /** Completes with the nano time of the first token's arrival. */
  CompletableFuture<Long> firstToken() {
    return firstToken;
  }

  /** Completes with the nano time the stream ended. */
  CompletableFuture<Long> finished() {
    return finished;
  }

  long bytes() {
    return bytes;
  }

  boolean endMarker() {
    return endMarker;
  }

  synchronized String text() {
    return text.toString();
  }

  HttpHeaders headers() {
    return headers;
  }

  /** Stops reading (the smoke gave up waiting). */
  void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  /** The request failed before or while the response came. */
  void fail(Throwable error) {
    firstToken.completeExceptionally(error);
    finished.completeExceptionally(error);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public synchronized void onNext(String line) {
    if (status != 200) {
      if (refusal.length() < 8_000) {
        refusal.append(line).append('\n');
      }
      return;
    }
    Api.Chunk chunk;
    try {
      chunk = api.chunk(line);
    } catch (Api.AnswerError e) {
      cancel();
      fail(e);
      return;
    }
    if (chunk == null) {
      return;
    }
    if (!chunk.text().isEmpty()) {
      long now = System.nanoTime();
      bytes += chunk.text().getBytes(StandardCharsets.UTF_8).length;
      if (text.length() < KEPT_CHARS) {
        text.append(chunk.text(), 0, Math.min(chunk.text().length(), KEPT_CHARS - text.length()));
      }
      firstToken.complete(now);
    }
    if (chunk.done()) {
      endMarker = true;
    }
  }

  @Override
  public void onError(Throwable error) {
    fail(error);
  }

  @Override
  public synchronized void onComplete() {
    long now = System.nanoTime();
    if (status != 200) {
      fail(new Refused(status, headers, refusal.toString()));
      return;
    }
    if (!firstToken.isDone()) {
      firstToken.completeExceptionally(new Api.AnswerError("the answer ended without a token"
          + (endMarker ? " (an empty answer)" : "")));
    }
    finished.complete(now);
  }
}
