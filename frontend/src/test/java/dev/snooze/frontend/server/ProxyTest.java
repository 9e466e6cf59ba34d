package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy end to end: a real client, the frontend, and a loopback fake backend. */
class ProxyTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private Fixtures.Backend backend;
  private FrontendServer frontend;
  private final CountingSignal activity = new CountingSignal();
  private final CompletableFuture<Void> release = new CompletableFuture<>();
  private final AtomicBoolean backendSawClose = new AtomicBoolean();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    backend = new Fixtures.Backend(vertx, 0, request -> {
      switch (request.path()) {
        case "/api/generate" -> {
          // One NDJSON line now, the last only when the test says so.
          request.connection().closeHandler(v -> backendSawClose.set(true));
          request.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson")
              .write("{\"response\":\"Hel\",\"done\":false}\n");
          release.thenRun(() -> vertx.runOnContext(v -> {
            if (!request.response().closed()) {
              request.response().end("{\"response\":\"lo\",\"done\":true}\n");
            }
          }));
        }
        case "/api/silent" -> {
          request.response().setChunked(true).write("{\"response\":\"thinking\"}\n");
          vertx.setTimer(3000, t -> request.response().end("{\"done\":true}\n"));
        }
        case "/api/hang" -> { /* never answers */ }
        case "/api/echo" -> request.body().onSuccess(body -> request.response()
            .putHeader("Proxy-Foo", "leak").putHeader("X-Backend", "1")
            .end(new JsonObject().put("bytes", body.length())
                .put("headers", new JsonObject(headers(request))).encode()));
        default -> request.response().setStatusCode(404).end();
      }
    });
    start(Map.of());
  }

  private static Map<String, Object> headers(io.vertx.core.http.HttpServerRequest request) {
    Map<String, Object> map = new java.util.TreeMap<>();
    request.headers().forEach(e -> map.put(e.getKey().toLowerCase(), e.getValue()));
    return map;
  }

  private void start(Map<String, String> overrides) throws Exception {
    if (frontend != null) {
      frontend.close().await(5, TimeUnit.SECONDS);
    }
    frontend = Fixtures.frontend(vertx, Fixtures.config(backend.port(), overrides), activity);
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

  @Test
  void streamsTheFirstLineBeforeTheBackendSendsTheLast() throws Exception {
    HttpResponse<InputStream> response = http.send(
        HttpRequest.newBuilder(uri("/api/generate")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).isEmpty();
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    // The backend has not sent its last line yet: it waits for `release`.
    assertThat(reader.readLine()).isEqualTo("{\"response\":\"Hel\",\"done\":false}");
    release.complete(null);
    assertThat(reader.readLine()).isEqualTo("{\"response\":\"lo\",\"done\":true}");
    assertThat(reader.readLine()).isNull();
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
    assertThat(activity.begun()).isEqualTo(1);
  }

  @Test
  void aLongSilentGapIsNotCut() throws Exception {
    // 3 s without a byte inside a 5 s total cap: only the total cap may end a stream.
    start(Map.of("SNOOZE_REQUEST_TIMEOUT", "5"));
    long started = System.nanoTime();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/silent")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"response\":\"thinking\"}\n{\"done\":true}\n");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
  }

  @Test
  void theTotalCapEndsARequestThatNeverAnswers() throws Exception {
    start(Map.of("SNOOZE_REQUEST_TIMEOUT", "1"));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/hang")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(new JsonObject(response.body()).getString("error")).contains("did not finish");
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
  }

  @Test
  void aClientThatLeavesClosesTheBackendConnection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", frontend.port())) {
      socket.getOutputStream().write(("GET /api/generate HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.ISO_8859_1));
      String line;
      do {
        line = reader.readLine();
      } while (line != null && !line.contains("Hel"));
      assertThat(line).contains("\"Hel\"");
      assertThat(activity.inFlight()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(30)).untilTrue(backendSawClose);
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
  }

  @Test
  void removesHopByHopHeadersAndAddsForwardedOnes() throws Exception {
    String answer = Fixtures.rawExchange(frontend.port(), "GET /api/echo HTTP/1.1\r\n"
        + "Host: evil.example\r\nConnection: close, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\n"
        + "Proxy-Authorization: Basic eA==\r\nTE: trailers\r\nX-Keep: yes\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(answer).contains("X-Backend: 1").doesNotContainIgnoringCase("proxy-foo");
    JsonObject seen = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4).trim())
        .getJsonObject("headers");
    assertThat(seen.fieldNames()).doesNotContain("x-secret", "keep-alive", "proxy-authorization", "te",
        "connection");
    assertThat(seen.getString("x-keep")).isEqualTo("yes");
    assertThat(seen.getString("host")).isEqualTo("127.0.0.1:" + backend.port());
    assertThat(seen.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.getString("x-forwarded-proto")).isEqualTo("http");
    assertThat(seen.getString("x-forwarded-host")).isEqualTo("evil.example");
  }

  @Test
  void forwardsARequestBody() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/echo"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5000])).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getInteger("bytes")).isEqualTo(5000);
  }

  @Test
  void anOversizeBodyIs413AndNeverReachesTheBackend() throws Exception {
    start(Map.of("SNOOZE_MAX_BODY_BYTES", "1000"));
    HttpResponse<String> declared = http.send(HttpRequest.newBuilder(uri("/api/echo"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5000])).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(declared.body()).getInteger("maxBodyBytes")).isEqualTo(1000);
    assertThat(backend.requests).isEmpty();

    // Chunked (no Content-Length): cut while streaming; the backend never gets a whole request.
    HttpResponse<String> streamed = http.send(HttpRequest.newBuilder(uri("/api/echo"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[50_000]))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(streamed.statusCode()).isEqualTo(413);
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
  }

  @Test
  void pathsOutsideTheAllowedPrefixesAre404AndNeverForwarded() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/admin")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("not found");
    String dotted = Fixtures.rawExchange(frontend.port(),
        "GET /api/../admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(dotted).startsWith("HTTP/1.1 404");
    String absolute = Fixtures.rawExchange(frontend.port(),
        "GET http://example.com/api/echo HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
    assertThat(absolute).startsWith("HTTP/1.1 400");
    String connect = Fixtures.rawExchange(frontend.port(),
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    assertThat(connect).startsWith("HTTP/1.1 4");
    assertThat(backend.requests).isEmpty();
    assertThat(activity.begun()).isZero();
  }

  @Test
  void healthzAnswersWithoutActivity() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
    assertThat(activity.begun()).isZero();
  }

  @Test
  void activityBegunAndClosedOncePerProxiedRequest() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(http.send(HttpRequest.newBuilder(uri("/api/echo")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
    http.send(HttpRequest.newBuilder(uri("/api/nothing")).build(), HttpResponse.BodyHandlers.ofString());
    http.send(HttpRequest.newBuilder(uri("/snooze/status")).build(), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
    assertThat(activity.begun()).isEqualTo(6);
  }
}
