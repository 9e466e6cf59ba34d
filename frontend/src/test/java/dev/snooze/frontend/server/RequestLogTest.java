package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import dev.snooze.frontend.web.PageHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request log end to end: each proxied request is one line in Cloud Logging's shape, written
 * when it ends (a stream's at its last byte, never per chunk), whatever its end; the frontend's
 * own routes are not logged.
 */
class RequestLogTest {
  private static final String FIRST = "{\"response\":\"Hel\",\"done\":false}\n";
  private static final String LAST = "{\"response\":\"lo\",\"done\":true}\n";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final CountingSignal activity = new CountingSignal();
  private final CompletableFuture<Void> release = new CompletableFuture<>();
  private final LogLines log = new LogLines();
  private Vertx vertx;
  private Fixtures.Backend backend;
  private FrontendServer frontend;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    backend = new Fixtures.Backend(vertx, 0, request -> {
      switch (request.path()) {
        case "/api/generate" -> {
          request.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson").write(FIRST);
          release.thenRun(() -> vertx.runOnContext(v -> {
            if (!request.response().closed()) {
              request.response().end(LAST);
            }
          }));
        }
        case "/api/echo" -> request.body().onSuccess(body -> request.response()
            .putHeader("Content-Type", "application/json").end("{\"echo\":" + body + "}"));
        case "/api/hang" -> { /* never answers */ }
        default -> request.response().setStatusCode(404).end();
      }
    });
    frontend = new FrontendServer(vertx, Fixtures.config(backend.port(), Map.of()), activity, null, new PageHandler())
        .listenPort(0).probeInterval(Duration.ofMillis(200))
        .statusSource(() -> Future.succeededFuture(new JsonObject().put("phase", "AWAKE")))
        .requestLog(log.log)
        .start().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
  }

  @AfterEach
  void tearDown() throws Exception {
    release.complete(null);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + frontend.port() + path);
  }

  private static Duration latency(JsonObject line) {
    String latency = line.getJsonObject("httpRequest").getString("latency");
    assertThat(latency).matches("\\d+\\.\\d{3}s");
    return Duration.ofMillis(Math.round(Double.parseDouble(latency.substring(0, latency.length() - 1)) * 1000));
  }

  @Test
  void aProxiedRequestIsOneLineInCloudLoggingsShapeWithoutItsQuery() throws Exception {
    Instant before = Instant.now();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/echo?prompt=secret-words"))
            .header("X-Forwarded-For", "198.51.100.9, 203.0.113.7, 35.191.0.1")
            .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"hi\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"echo\":{\"prompt\":\"hi\"}}");

    await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines().isEmpty());
    Instant after = Instant.now();
    JsonObject line = log.only();
    assertThat(line.fieldNames()).containsExactly("severity", "message", "time", "component", "httpRequest", "outcome");
    assertThat(line.getString("severity")).isEqualTo("INFO");
    assertThat(line.getString("message")).isEqualTo("POST /api/echo 200");
    assertThat(line.getString("component")).isEqualTo("frontend.request");
    assertThat(line.getString("outcome")).isEqualTo("answered");
    JsonObject httpRequest = line.getJsonObject("httpRequest");
    assertThat(httpRequest.fieldNames())
        .containsExactly("requestMethod", "requestUrl", "status", "responseSize", "latency", "remoteIp");
    assertThat(httpRequest.getString("requestMethod")).isEqualTo("POST");
    assertThat(httpRequest.getString("requestUrl")).isEqualTo("/api/echo");
    assertThat(httpRequest.getValue("status")).isEqualTo(200);
    assertThat(httpRequest.getValue("responseSize"))
        .isEqualTo(Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
    assertThat(httpRequest.getString("remoteIp")).as("the client, as Google's load balancer names it")
        .isEqualTo("203.0.113.7");
    assertThat(line.encode()).doesNotContain("secret-words");

    // time is the end: the planner takes time - latency for the start.
    Instant end = Instant.parse(line.getString("time"));
    Instant start = end.minus(latency(line));
    assertThat(start).isBetween(before.minusMillis(1), end);
    assertThat(end).isBetween(before, after);
  }

  @Test
  void aStreamIsOneLineAtItsEndNeverOnePerChunk() throws Exception {
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri("/api/generate"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThat(reader.readLine() + "\n").isEqualTo(FIRST);
    assertThat(log.lines()).as("mid-stream: nothing yet").isEmpty();

    release.complete(null);
    assertThat(reader.readLine() + "\n").isEqualTo(LAST);
    assertThat(reader.readLine()).isNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines().isEmpty());
    JsonObject line = log.only();
    assertThat(line.getString("message")).isEqualTo("POST /api/generate 200");
    assertThat(line.getString("outcome")).isEqualTo("answered");
    assertThat(line.getJsonObject("httpRequest").getString("responseSize"))
        .isEqualTo(Integer.toString((FIRST + LAST).length()));
    assertThat(line.getJsonObject("httpRequest").getString("remoteIp")).isEqualTo("127.0.0.1");
  }

  @Test
  void thePageTheStatusRouteTheIntentAndHealthzAreNotLogged() throws Exception {
    for (String path : new String[] {"/", "/app.js", "/snooze/status", "/healthz"}) {
      assertThat(http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).as(path).isEqualTo(200);
    }
    assertThat(http.send(HttpRequest.newBuilder(uri("/snooze/intent")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"trigger\":\"open\"}")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
    assertThat(http.send(HttpRequest.newBuilder(uri("/api/echo")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines().isEmpty());
    assertThat(log.only().getString("message")).isEqualTo("GET /api/echo 200");
  }

  @Test
  void aClientThatLeavesBeforeTheAnswerIs499ClientLeft() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", frontend.port())) {
      socket.getOutputStream().write(("GET /api/hang HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.requests.size() == 1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines().isEmpty());
    JsonObject line = log.only();
    assertThat(line.getString("message")).isEqualTo("GET /api/hang 499");
    assertThat(line.getString("severity")).isEqualTo("INFO");
    assertThat(line.getString("outcome")).isEqualTo("client_left");
    assertThat(line.getJsonObject("httpRequest").getString("responseSize")).isEqualTo("0");
  }

  @Test
  void aBodyOverTheCapIsRefusedAndLoggedAsSuch() throws Exception {
    String answer = Fixtures.rawExchange(frontend.port(),
        "POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 413 ");
    await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines().isEmpty());
    JsonObject line = log.only();
    assertThat(line.getString("message")).isEqualTo("POST /api/generate 413");
    assertThat(line.getString("outcome")).isEqualTo("refused");
    assertThat(line.getString("refusal")).isEqualTo("too_large");
    assertThat(backend.requests).isEmpty();
  }

  @Test
  void aRequestTheFrontendAnswers503AfterHoldingIsOneWarningWithTheTimeHeld() throws Exception {
    // Its own Vert.x: two frontends on "any free port" in one Vert.x would share the port.
    Vertx other = Vertx.vertx();
    LogLines asleepLog = new LogLines();
    try (Fixtures.HeldPort gpu = Fixtures.holdPort()) {
      FrontendServer asleep = new FrontendServer(other,
          Fixtures.config(gpu.port(), Map.of("SNOOZE_WAKE_TIMEOUT", "1")), activity, null, null)
          .listenPort(0).probeInterval(Duration.ofMillis(200)).requestLog(asleepLog.log)
          .start().await(10, TimeUnit.SECONDS);
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + asleep.port() + "/api/generate"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(503);

      await().atMost(Duration.ofSeconds(10)).until(() -> !asleepLog.lines().isEmpty());
      JsonObject line = asleepLog.only();
      assertThat(line.getString("severity")).isEqualTo("WARNING");
      assertThat(line.getString("message")).isEqualTo("POST /api/generate 503");
      assertThat(line.getString("outcome")).isEqualTo("refused");
      assertThat(line.getString("refusal")).isEqualTo("waking");
      assertThat(line.getDouble("held")).isBetween(0.9, 5.0);
      assertThat(line.getJsonObject("httpRequest").getString("responseSize"))
          .isEqualTo(Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
      assertThat(latency(line).toMillis() / 1000.0).isGreaterThanOrEqualTo(line.getDouble("held"));
    } finally {
      other.close().await(10, TimeUnit.SECONDS);
    }
  }
}
