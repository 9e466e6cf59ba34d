package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible {@code /v1/} through the frontend with its default settings: allowed,
 * streamed as server-sent events without buffering, and held during a cold start like
 * {@code /api/}.
 */
class ServerSentEventsTest {
  private static final String CHAT =
      "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String FIRST = "data: {\"object\":\"chat.completion.chunk\",\"choices\":"
      + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}";
  private static final String SECOND = "data: {\"object\":\"chat.completion.chunk\",\"choices\":"
      + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}";
  private static final String DONE = "data: [DONE]";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final CountingSignal activity = new CountingSignal();
  /** Completed by the test: only then does the backend send the rest of the stream. */
  private final CompletableFuture<Void> release = new CompletableFuture<>();
  private final AtomicLong firstSentNanos = new AtomicLong();
  private final AtomicLong secondSentNanos = new AtomicLong();
  private Vertx vertx;
  private Fixtures.HeldPort gpu;
  private FrontendServer frontend;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    gpu = Fixtures.holdPort(); // nothing listens yet: the GPU sleeps
    // The defaults, but for the test-sized timeouts: /v1/ must be allowed without being asked for.
    frontend = Fixtures.frontend(vertx, Fixtures.config(gpu.port(), Map.of()), activity);
  }

  @AfterEach
  void tearDown() throws Exception {
    release.complete(null);
    vertx.close().await(10, TimeUnit.SECONDS);
    gpu.close();
  }

  private Fixtures.Backend wake() throws Exception {
    return new Fixtures.Backend(vertx, gpu.port(), this::chatCompletions);
  }

  /** Like Ollama's /v1: one event now, the rest only once the test releases it. */
  private void chatCompletions(HttpServerRequest request) {
    if (!request.path().equals("/v1/chat/completions")) {
      request.response().setStatusCode(404).end();
      return;
    }
    firstSentNanos.set(System.nanoTime());
    request.response().setChunked(true).putHeader("Content-Type", "text/event-stream").write(FIRST + "\n\n");
    release.thenRun(() -> vertx.runOnContext(v -> {
      if (!request.response().closed()) {
        secondSentNanos.set(System.nanoTime());
        request.response().write(SECOND + "\n\n");
        request.response().end(DONE + "\n\n");
      }
    }));
  }

  private CompletableFuture<HttpResponse<InputStream>> stream() {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend.port()
                + "/v1/chat/completions"))
            .header("Content-Type", "application/json").header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  @Test
  void theFirstEventArrivesBeforeTheBackendSendsTheSecond() throws Exception {
    wake();
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());

    HttpResponse<InputStream> response = stream().get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).isEmpty();
    BufferedReader events = reader(response);

    // A proxy that buffered would block this read until the backend sent more, which it does
    // only after the event arrived: the read would time out.
    String first = CompletableFuture.supplyAsync(() -> nextEvent(events)).get(10, TimeUnit.SECONDS);
    long arrived = System.nanoTime();
    assertThat(first).isEqualTo(FIRST);
    assertThat(secondSentNanos.get()).as("the second event was not sent yet").isZero();
    Duration firstEventLatency = Duration.ofNanos(arrived - firstSentNanos.get());
    System.out.println("first SSE event through the proxy: " + firstEventLatency.toMillis() + " ms after the backend sent it");
    assertThat(firstEventLatency).isLessThan(Duration.ofSeconds(2));

    release.complete(null);
    assertThat(nextEvent(events)).isEqualTo(SECOND);
    assertThat(nextEvent(events)).isEqualTo(DONE);
    assertThat(events.readLine()).isNull();
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
    assertThat(activity.begun()).isEqualTo(1);
  }

  @Test
  void aStreamRequestIsHeldDuringAColdStartThenStreamsUnbuffered() throws Exception {
    CompletableFuture<HttpResponse<InputStream>> answer = stream();
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 1);
    assertThat(answer).isNotDone();

    Fixtures.Backend backend = wake();
    HttpResponse<InputStream> response = answer.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).contains("true");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    BufferedReader events = reader(response);
    assertThat(CompletableFuture.supplyAsync(() -> nextEvent(events)).get(10, TimeUnit.SECONDS)).isEqualTo(FIRST);
    assertThat(secondSentNanos.get()).isZero();

    release.complete(null);
    assertThat(nextEvent(events)).isEqualTo(SECOND);
    assertThat(nextEvent(events)).isEqualTo(DONE);
    assertThat(backend.requests).hasSize(1);
    assertThat(backend.requests.get(0).path()).isEqualTo("/v1/chat/completions");
  }

  private static BufferedReader reader(HttpResponse<InputStream> response) {
    return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  /** The next event's data line (its blank terminator read too). */
  private static String nextEvent(BufferedReader reader) {
    try {
      String line = reader.readLine();
      String blank = reader.readLine();
      assertThat(blank).as("an event ends with a blank line").isEmpty();
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
