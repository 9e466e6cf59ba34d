package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests held while the GPU sleeps: forwarded when it wakes, 503 past the limits. */
class ColdStartTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final CountingSignal activity = new CountingSignal();
  private Vertx vertx;
  private Fixtures.HeldPort gpu;
  private int backendPort;
  private FrontendServer frontend;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    gpu = Fixtures.holdPort(); // nothing listens yet: the GPU sleeps
    backendPort = gpu.port();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    gpu.close();
  }

  private void start(Map<String, String> overrides) throws Exception {
    frontend = Fixtures.frontend(vertx, Fixtures.config(backendPort, overrides), activity);
  }

  private CompletableFuture<HttpResponse<String>> post(String path) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend.port() + path))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"hi\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Fixtures.Backend wakeBackend() throws Exception {
    return new Fixtures.Backend(vertx, backendPort, request -> request.body().onSuccess(body ->
        request.response().putHeader("Content-Type", "application/x-ndjson")
            .end("{\"echo\":" + body.toString() + ",\"done\":true}\n")));
  }

  @Test
  void aRequestIsHeldThenForwardedWhenTheBackendWakes() throws Exception {
    start(Map.of());
    CompletableFuture<HttpResponse<String>> answer = post("/api/generate");
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 1);
    assertThat(answer).isNotDone();
    Fixtures.Backend backend = wakeBackend();

    HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).contains("true");
    assertThat(response.body()).isEqualTo("{\"echo\":{\"model\":\"m\",\"prompt\":\"hi\"},\"done\":true}\n");
    assertThat(backend.requests).hasSize(1);
    assertThat(frontend.hold().pending()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
    assertThat(activity.begun()).isEqualTo(1);

    // Warm now: no cold-start mark.
    HttpResponse<String> warm = post("/api/generate").get(10, TimeUnit.SECONDS);
    assertThat(warm.statusCode()).isEqualTo(200);
    assertThat(warm.headers().firstValue("X-Snooze-Cold-Start")).isEmpty();
  }

  @Test
  void aHeldRequestGets503WithRetryAfterPastTheWakeTimeout() throws Exception {
    start(Map.of("SNOOZE_WAKE_TIMEOUT", "1", "SNOOZE_EXPECTED_WAKE", "30"));
    HttpResponse<String> response = post("/api/generate").get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(503);
    long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(25L, 30L);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo("the GPU is waking up");
    assertThat(body.getString("phase")).isEqualTo("WAKING");
    assertThat(body.getLong("retryAfterSeconds")).isEqualTo(retryAfter);
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
    assertThat(activity.begun()).isEqualTo(1);
  }

  @Test
  void requestsOverThePendingCapGet503AtOnce() throws Exception {
    start(Map.of("SNOOZE_MAX_PENDING", "2", "SNOOZE_WAKE_TIMEOUT", "3"));
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    held.add(post("/api/generate"));
    held.add(post("/api/chat"));
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 2);

    HttpResponse<String> excess = post("/api/generate").get(2, TimeUnit.SECONDS);
    assertThat(excess.statusCode()).isEqualTo(503);
    assertThat(excess.headers().firstValue("Retry-After")).isPresent();
    assertThat(new JsonObject(excess.body()).getString("error")).contains("too many requests");
    assertThat(held).allSatisfy(future -> assertThat(future).isNotDone());

    for (CompletableFuture<HttpResponse<String>> future : held) {
      assertThat(future.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
    assertThat(activity.begun()).isEqualTo(3);
  }

  @Test
  void aRefusedForwardAfterReadinessIsHeldInsteadOfFailed() throws Exception {
    Fixtures.Backend backend = wakeBackend();
    start(Map.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
    backend.close(); // the GPU went to sleep; the frontend has not probed since
    CompletableFuture<HttpResponse<String>> answer = post("/api/generate");
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 1);
    assertThat(frontend.readiness().isReady()).isFalse();
    wakeBackend();
    HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).contains("true");
  }

  @Test
  void theLoadBalancers503AfterReadinessIsHeldAndTheBodySentAgain() throws Exception {
    AtomicBoolean asleep = new AtomicBoolean();
    List<String> bodies = new CopyOnWriteArrayList<>();
    // The internal load balancer: up all along, 503 "no healthy upstream" while no VM serves.
    vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (asleep.get()) {
        request.response().setStatusCode(503).putHeader("Content-Type", "text/plain")
            .end("no healthy upstream");
      } else if (request.path().equals("/")) {
        request.response().end("Ollama is running");
      } else {
        bodies.add(body.toString());
        request.response().end("{\"echo\":" + body + ",\"done\":true}\n");
      }
    })).listen(backendPort, "127.0.0.1").await(10, TimeUnit.SECONDS);
    start(Map.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());

    asleep.set(true); // the GPU went to sleep; the frontend has not probed since
    CompletableFuture<HttpResponse<String>> answer = post("/api/generate");
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 1);
    assertThat(frontend.readiness().isReady()).isFalse();
    assertThat(answer).isNotDone();

    asleep.set(false);
    HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).contains("true");
    assertThat(response.body()).isEqualTo("{\"echo\":{\"model\":\"m\",\"prompt\":\"hi\"},\"done\":true}\n");
    assertThat(bodies).containsExactly("{\"model\":\"m\",\"prompt\":\"hi\"}");
  }

  @Test
  void statusReportsReadinessPendingAndTheFunction() throws Exception {
    frontend = new FrontendServer(vertx, Fixtures.config(backendPort, Map.of()), activity, null, null)
        .listenPort(0).probeInterval(Duration.ofMillis(200))
        .statusSource(() -> Future.succeededFuture(new JsonObject().put("phase", "ASLEEP")))
        .start().await(10, TimeUnit.SECONDS);
    CompletableFuture<HttpResponse<String>> held = post("/api/generate");
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 1);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + frontend.port() + "/snooze/status")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject status = new JsonObject(response.body());
    assertThat(status.getJsonObject("backend").getBoolean("ready")).isFalse();
    assertThat(status.getJsonObject("backend").getString("since")).isNotBlank();
    assertThat(status.getInteger("pending")).isEqualTo(1);
    assertThat(status.getInteger("expectedWakeSeconds")).isEqualTo(30);
    assertThat(status.getJsonObject("function")).isEqualTo(new JsonObject().put("phase", "ASLEEP"));
    assertThat(activity.begun()).isEqualTo(1); // the status poll is not activity
    held.cancel(true);
  }

  @Test
  void statusFunctionIsNullWithoutAStatusUrl() throws Exception {
    start(Map.of());
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + frontend.port() + "/snooze/status")).build(), HttpResponse.BodyHandlers.ofString());
    JsonObject status = new JsonObject(response.body());
    assertThat(status.containsKey("function")).isTrue();
    assertThat(status.getValue("function")).isNull();
    assertThat(status.getInteger("pending")).isZero();
  }
}
