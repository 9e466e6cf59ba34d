package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every GPU busy, through the frontend: the backend passes its health check and answers 503 with
 * Ollama's "queue full" (OpenAI's error shape on {@code /v1/}). The request waits, in flight, and is
 * sent again with its body until there is room, within the request timeout; past it, or when its
 * body could not be kept whole, the backend's 503 reaches the client as it was. The pauses are
 * the backoff's own (no jitter): 0.5 s, 1 s, 2 s.
 */
class BusyBackendTest {
  private static final String PROMPT = "{\"model\":\"m\",\"prompt\":\"hi\"}";
  private static final String OLLAMA_BUSY =
      "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}";
  private static final String OPENAI_BUSY = "{\"error\":{\"message\":\"server busy, please try again.  maximum"
      + " pending requests exceeded\",\"type\":\"api_error\",\"param\":null,\"code\":null}}";
  private static final String FIRST = "{\"response\":\"Hel\",\"done\":false}\n";
  private static final String LAST = "{\"response\":\"lo\",\"done\":true}\n";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final CountingSignal activity = new CountingSignal();
  private final LogLines log = new LogLines();
  private Vertx vertx;
  private Fixtures.Backend backend;
  private FrontendServer frontend;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void start(Map<String, String> overrides, Handler<HttpServerRequest> api) throws Exception {
    backend = new Fixtures.Backend(vertx, 0, api);
    frontend = new FrontendServer(vertx, Fixtures.config(backend.port(), overrides), activity, null, null)
        .listenPort(0).probeInterval(Duration.ofMillis(200)).requestLog(log.log).busyJitter(() -> 0)
        .start().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend.port() + path))
            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(PROMPT)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void busy(HttpServerRequest request, String body) {
    request.response().setStatusCode(503).putHeader("Content-Type", "application/json; charset=utf-8").end(body);
  }

  private JsonObject requestLogLine() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines().isEmpty());
    return log.only();
  }

  @Test
  void aRequestTheGpuWasTooBusyForIsSentAgainUntilThereIsRoomAndStreamsWhole() throws Exception {
    AtomicInteger busyFor = new AtomicInteger(2);
    List<String> bodies = new CopyOnWriteArrayList<>();
    List<Integer> inFlightWhileBusy = new CopyOnWriteArrayList<>();
    start(Map.of(), request -> request.body().onSuccess(body -> {
      bodies.add(body.toString());
      if (busyFor.getAndDecrement() > 0) {
        inFlightWhileBusy.add(activity.inFlight());
        busy(request, OLLAMA_BUSY);
      } else {
        request.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson").write(FIRST);
        request.response().end(LAST);
      }
    }));

    HttpResponse<String> response = post("/api/generate");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(FIRST + LAST);
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).as("no wake was waited for").isEmpty();
    assertThat(bodies).as("sent again with its body each time").containsExactly(PROMPT, PROMPT, PROMPT);
    assertThat(inFlightWhileBusy).as("in flight all along: its frontend's activity asks for GPUs").containsExactly(1, 1);

    JsonObject line = requestLogLine();
    assertThat(line.getString("message")).isEqualTo("POST /api/generate 200");
    assertThat(line.getString("outcome")).isEqualTo("answered");
    assertThat(line.getInteger("busyRetries")).isEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> activity.inFlight() == 0);
  }

  @Test
  void aGpuBusyPastTheRequestTimeoutGivesTheClientItsOwn503BeforeTheTimeout() throws Exception {
    // 2.5 s: sent again after 0.5 s and 1 s; at 1.5 s the next pause (2 s) would end past it.
    start(Map.of("SNOOZE_REQUEST_TIMEOUT", "2.5"), request -> request.body().onSuccess(body -> busy(request, OPENAI_BUSY)));

    HttpResponse<String> response = post("/v1/chat/completions");
    assertThat(response.statusCode()).as("the backend's answer, not a timeout").isEqualTo(503);
    assertThat(response.body()).isEqualTo(OPENAI_BUSY);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(backend.requests).hasSize(3);
    assertThat(frontend.readiness().isReady()).as("a busy GPU is no sleeping one").isTrue();
    assertThat(frontend.hold().pending()).isZero();

    JsonObject line = requestLogLine();
    assertThat(line.getString("severity")).isEqualTo("WARNING");
    assertThat(line.getJsonObject("httpRequest").getInteger("status")).isEqualTo(503);
    assertThat(line.getString("outcome")).isEqualTo("answered");
    assertThat(line.getInteger("busyRetries")).isEqualTo(2);
    assertThat(activity.inFlight()).isZero();
  }

  @Test
  void a503BeforeTheBodyWasSentWholeIsPassedOnAtOnce() throws Exception {
    // Answered on the headers: the rest of the body never reached the backend, so nothing whole was kept.
    start(Map.of(), request -> busy(request, OLLAMA_BUSY));

    String answer = Fixtures.rawExchange(frontend.port(), "POST /api/generate HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "8\r\n{\"model\"\r\n"); // and no more: the client is still sending
    assertThat(answer).startsWith("HTTP/1.1 503").endsWith(OLLAMA_BUSY);
    assertThat(backend.requests).hasSize(1);
  }

  @Test
  void aClientThatLeavesWhileTheGpuIsBusyIsNoLongerInFlight() throws Exception {
    start(Map.of(), request -> request.body().onSuccess(body -> busy(request, OLLAMA_BUSY)));
    try (var socket = new java.net.Socket("127.0.0.1", frontend.port())) {
      socket.getOutputStream().write(("POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Length: " + PROMPT.length()
          + "\r\n\r\n" + PROMPT).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.requests.size() >= 2);
      assertThat(activity.inFlight()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> activity.inFlight() == 0);
    JsonObject line = requestLogLine();
    assertThat(line.getString("outcome")).isEqualTo("client_left");
    assertThat(line.getInteger("busyRetries")).isPositive();
  }
}
