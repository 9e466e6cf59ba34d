package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A held request waits for the model, not for the container: the backend answers its health check
 * from the start (the model server is up), and only the Status function's boot stage says when
 * the model is loaded. Status unavailable, or saying nothing about the boot, leaves the health
 * check alone to decide.
 */
class BootReadinessTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final CountingSignal activity = new CountingSignal();
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicReference<Supplier<Future<JsonObject>>> status = new AtomicReference<>();
  private Vertx vertx;
  private Fixtures.Backend backend;
  private FrontendServer frontend;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    // Up from the start: "/" answers 200 at once, as Ollama does before any model is loaded.
    backend = new Fixtures.Backend(vertx, 0, request -> request.body().onSuccess(body ->
        request.response().putHeader("Content-Type", "application/x-ndjson").end("{\"done\":true}\n")));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void start() throws Exception {
    start(backend.port());
  }

  private void start(int backendPort) throws Exception {
    frontend = new FrontendServer(vertx, Fixtures.config(backendPort, Map.of()), activity, null, null)
        .listenPort(0).probeInterval(Duration.ofMillis(200))
        .statusSource(() -> {
          fetches.incrementAndGet();
          return status.get().get();
        })
        .start().await(10, TimeUnit.SECONDS);
  }

  private void say(JsonObject function) {
    status.set(() -> Future.succeededFuture(function));
  }

  private static JsonObject booting(String stage) {
    return new JsonObject().put("phase", "WAKING").put("boot", new JsonObject().put("stage", stage)
        .put("stageSeconds", 3).put("etaSeconds", 40).put("etaSource", "learned").put("learnedFrom", 3));
  }

  private CompletableFuture<HttpResponse<String>> post() {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend.port() + "/api/generate"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"hi\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until the readiness probe has asked Status {@code times} more times (each found it healthy). */
  private void probesAsk(int times) {
    int now = fetches.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> fetches.get() >= now + times);
  }

  @Test
  void aHeldRequestIsReleasedOnlyOnceStatusSaysReady() throws Exception {
    say(booting("starting-container"));
    start();
    AtomicLong order = new AtomicLong();
    AtomicLong answeredAt = new AtomicLong();
    CompletableFuture<HttpResponse<String>> answer = post();
    // Awaited below, not the answer itself: get() may return before a dependent action has run.
    CompletableFuture<HttpResponse<String>> recorded =
        answer.whenComplete((response, error) -> answeredAt.set(order.incrementAndGet()));
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 1);

    for (String stage : List.of("starting-container", "loading-model")) {
      say(booting(stage));
      probesAsk(3);
      assertThat(answer).as("held through " + stage + " though the health check answers").isNotDone();
      assertThat(frontend.readiness().isReady()).isFalse();
    }

    long switchedAt = order.incrementAndGet();
    say(booting("ready").put("phase", "AWAKE"));
    HttpResponse<String> response = recorded.get(10, TimeUnit.SECONDS);

    assertThat(answeredAt.get()).as("answered after the switch to ready").isGreaterThan(switchedAt);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).contains("true");
    assertThat(backend.requests).hasSize(1);
    assertThat(frontend.readiness().isReady()).isTrue();
  }

  /** The page's view of the same: {@code backend.ready} follows the boot too. */
  @Test
  void theStatusRouteSaysNotReadyWhileTheModelLoads() throws Exception {
    say(booting("loading-model"));
    start();
    probesAsk(2);
    JsonObject body = new JsonObject(http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + frontend.port() + "/snooze/status")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(body.getJsonObject("backend").getBoolean("ready")).isFalse();
    assertThat(body.getJsonObject("function").getJsonObject("boot").getString("stage")).isEqualTo("loading-model");
  }

  @Test
  void statusUnavailableLeavesTheHealthCheckToDecide() throws Exception {
    status.set(() -> Future.failedFuture(new IllegalStateException("the Status function answered 500")));
    start();
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
    assertThat(post().get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void statusThatNeverAnswersLeavesTheHealthCheckToDecide() throws Exception {
    status.set(() -> Promise.<JsonObject>promise().future());
    start();
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
    assertThat(post().get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"phase\":\"AWAKE\"}",                         // an older function: no boot at all
      "{\"phase\":\"AWAKE\",\"boot\":null}",
      "{\"phase\":\"AWAKE\",\"boot\":\"loading\"}",    // not the contract's shape: says nothing
      "{\"phase\":\"AWAKE\",\"boot\":{}}",
      "{\"phase\":\"AWAKE\",\"boot\":{\"stage\":7}}",
      "{\"phase\":\"AWAKE\",\"boot\":{\"stage\":\"ready\"}}"})
  void nothingSaidAgainstTheBootLeavesTheHealthCheckToDecide(String function) throws Exception {
    say(new JsonObject(function));
    start();
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
    assertThat(fetches.get()).as("Status was asked").isPositive();
  }

  @Test
  void aBootStartingAgainMakesAReadyBackendNotReady() throws Exception {
    say(booting("ready"));
    start();
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
    say(booting("loading-model")); // e.g. the VM was replaced and its model loads again
    await().atMost(Duration.ofSeconds(30)).until(() -> !frontend.readiness().isReady());
  }

  /** No call per probe to a function while the GPU sleeps: Status is asked only of a healthy backend. */
  @Test
  void statusIsNotAskedWhileTheHealthCheckFails() throws Exception {
    say(booting("provisioning"));
    AtomicInteger healthChecks = new AtomicInteger();
    // The internal load balancer while no VM serves.
    var balancer = vertx.createHttpServer().requestHandler(request -> {
      healthChecks.incrementAndGet();
      request.response().setStatusCode(503).end("no healthy upstream");
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    start(balancer.actualPort());

    await().atMost(Duration.ofSeconds(30)).until(() -> healthChecks.get() >= 5);
    assertThat(fetches.get()).isZero();
    assertThat(frontend.readiness().isReady()).isFalse();
  }
}
