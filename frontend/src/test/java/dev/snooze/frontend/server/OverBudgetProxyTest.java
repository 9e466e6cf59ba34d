package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU budget used up, as a fake Status function says it: new inference requests get 503,
 * Retry-After until the reset and the reason in their API's error shape, never held and never
 * forwarded, whether the GPU serves (and drains: its streams in flight finish) or sleeps (a held
 * request is let go when the budget is found used up); within the budget, past its reset, or with
 * Status unavailable, requests go through as before.
 */
class OverBudgetProxyTest {
  private static final String REASON = "the budget of 8 GPU hours per day is used up (8.02 GPU hours);"
      + " it resets at 2026-12-04T00:00+01:00[Europe/Warsaw]";
  private static final String FIRST = "{\"response\":\"Hel\",\"done\":false}\n";
  private static final String LAST = "{\"response\":\"lo\",\"done\":true}\n";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final CountingSignal activity = new CountingSignal();
  private final CompletableFuture<Void> release = new CompletableFuture<>();
  private final AtomicReference<Supplier<Future<JsonObject>>> status = new AtomicReference<>();
  private final AtomicInteger statusCalls = new AtomicInteger();
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
        default -> request.body().onSuccess(body -> request.response()
            .putHeader("Content-Type", "application/json").end("{\"ok\":true}"));
      }
    });
    say(function("ASLEEP", budget(false, null)));
  }

  @AfterEach
  void tearDown() throws Exception {
    release.complete(null);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void start(int backendPort) throws Exception {
    frontend = new FrontendServer(vertx, Fixtures.config(backendPort, Map.of()), activity, null, null)
        .listenPort(0).probeInterval(Duration.ofMillis(200))
        .statusSource(() -> {
          statusCalls.incrementAndGet();
          return status.get().get();
        })
        .requestLog(log.log)
        .start().await(10, TimeUnit.SECONDS);
  }

  private void startAwake() throws Exception {
    start(backend.port());
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
  }

  private void say(JsonObject function) {
    status.set(() -> Future.succeededFuture(function));
  }

  /** Status's budget object, in the shape the functions write it. */
  private static JsonObject budget(boolean exhausted, Instant resetsAt) {
    return new JsonObject().put("zone", "Europe/Warsaw").put("gpuSecondsToday", 28872).put("gpuSecondsThisMonth", 98000)
        .put("costToday", null).put("costThisMonth", null)
        .put("caps", new JsonArray().add(new JsonObject().put("period", "day").put("unit", "gpu-hours")
            .put("limit", 8.0).put("used", 8.02).put("resetsAt", resetsAt == null ? null : resetsAt.toString())))
        .put("exhausted", exhausted)
        .put("reason", exhausted ? REASON : null)
        .put("resetsAt", exhausted ? resetsAt.toString() : null);
  }

  private static JsonObject function(String phase, JsonObject budget) {
    return new JsonObject().put("phase", phase).put("budget", budget);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + frontend.port() + path);
  }

  private CompletableFuture<HttpResponse<String>> post(String path) {
    return http.sendAsync(HttpRequest.newBuilder(uri(path))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"hi\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What a page poll does: a reading of Status, which the frontend's budget view follows. */
  private void pagePolls() throws Exception {
    assertThat(http.send(HttpRequest.newBuilder(uri("/snooze/status")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
  }

  private static void assertRefused(HttpResponse<String> response, Instant resetsAt) {
    assertThat(response.statusCode()).isEqualTo(503);
    long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    long left = Duration.between(Instant.now(), resetsAt).toSeconds();
    assertThat(retryAfter).isBetween(left - 5, left + 1);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
  }

  private void assertOneRefusalLogged() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines().isEmpty());
    JsonObject line = log.only();
    assertThat(line.getString("severity")).isEqualTo("WARNING");
    assertThat(line.getJsonObject("httpRequest").getValue("status")).isEqualTo(503);
    assertThat(line.getString("outcome")).isEqualTo("refused");
    assertThat(line.getString("refusal")).isEqualTo("over_budget");
  }

  @Test
  void anApiRequestGets503RetryAfterAndTheReasonAndIsNeitherHeldNorForwarded() throws Exception {
    Instant resetsAt = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    say(function("AWAKE", budget(true, resetsAt)));
    startAwake();
    // The readiness probe reads Status while the GPU serves: the budget's state comes with it.
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.budget().now() != null);

    HttpResponse<String> response = post("/api/generate").get(10, TimeUnit.SECONDS);
    assertRefused(response, resetsAt);
    long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject()
        .put("error", REASON).put("code", "over_budget").put("phase", "OVER_BUDGET")
        .put("retryAfterSeconds", retryAfter).put("resetsAt", resetsAt.toString()));
    assertThat(backend.requests).isEmpty();
    assertThat(frontend.hold().pending()).isZero();
    assertThat(activity.begun()).as("nothing published for a request refused up front").isZero();
    assertOneRefusalLogged();
  }

  @Test
  void anOpenAiRequestGetsOpenAisErrorShape() throws Exception {
    Instant resetsAt = Instant.now().plus(40, ChronoUnit.MINUTES);
    say(function("AWAKE", budget(true, resetsAt)));
    startAwake();
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.budget().now() != null);

    HttpResponse<String> response = post("/v1/chat/completions").get(10, TimeUnit.SECONDS);
    assertRefused(response, resetsAt);
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("error", new JsonObject()
        .put("message", REASON).put("type", "over_budget").put("code", "over_budget")));
    assertThat(backend.requests).isEmpty();
  }

  @Test
  void aStreamInFlightWhenTheBudgetIsUsedUpCompletesWhileNewRequestsAreRefused() throws Exception {
    say(function("AWAKE", budget(false, null)));
    startAwake();
    HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/generate"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    assertThat(reader.readLine() + "\n").isEqualTo(FIRST);

    Instant resetsAt = Instant.now().plus(2, ChronoUnit.HOURS);
    say(function("AWAKE", budget(true, resetsAt)));
    pagePolls();
    assertThat(frontend.budget().now()).isNotNull();
    HttpResponse<String> refused = post("/api/chat").get(10, TimeUnit.SECONDS);
    assertRefused(refused, resetsAt);

    release.complete(null);
    assertThat(reader.readLine() + "\n").isEqualTo(LAST);
    assertThat(reader.readLine()).isNull();
    assertThat(backend.requests).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().size() == 2);
    assertThat(log.lines()).extracting(line -> line.getString("message"))
        .containsExactlyInAnyOrder("POST /api/generate 200", "POST /api/chat 503");
  }

  @Test
  void withinTheBudgetRequestsAreProxiedAsBefore() throws Exception {
    say(function("AWAKE", budget(false, null)));
    startAwake();
    pagePolls();
    HttpResponse<String> response = post("/api/chat").get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"ok\":true}");
    assertThat(backend.requests).hasSize(1);
  }

  @Test
  void aUsedUpBudgetWhoseResetHasPassedRefusesNothing() throws Exception {
    say(function("AWAKE", budget(true, Instant.now().minusSeconds(1))));
    startAwake();
    pagePolls();
    assertThat(post("/api/chat").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void statusUnavailableRefusesNothing() throws Exception {
    status.set(() -> Future.failedFuture("Status is down"));
    startAwake();
    pagePolls();
    assertThat(post("/api/chat").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestForASleepingGpuIsRefusedAtOnceNotHeldForAWakeThatWillNotCome() throws Exception {
    Instant resetsAt = Instant.now().plus(5, ChronoUnit.HOURS);
    say(function("OVER_BUDGET", budget(true, resetsAt)));
    try (Fixtures.HeldPort gpu = Fixtures.holdPort()) {
      start(gpu.port());
      // No reading yet (the probe asks Status only of a healthy GPU): the request asks for one.
      assertThat(statusCalls.get()).isZero();
      HttpResponse<String> response = post("/api/generate").get(5, TimeUnit.SECONDS);
      assertRefused(response, resetsAt);
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo(REASON);
      assertThat(frontend.hold().pending()).isZero();
      assertThat(statusCalls.get()).isEqualTo(1);
      assertOneRefusalLogged();
      assertThat(log.only().containsKey("held")).isFalse();
    }
  }

  @Test
  void aHeldRequestIsLetGoWhenTheBudgetIsFoundUsedUpWithNoPageOpen() throws Exception {
    try (Fixtures.HeldPort gpu = Fixtures.holdPort()) {
      start(gpu.port());
      CompletableFuture<HttpResponse<String>> answer = post("/api/generate");
      await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 1);

      // The wake's own GPU time used up the last of the budget: the next reading finds it.
      Instant resetsAt = Instant.now().plus(1, ChronoUnit.HOURS);
      say(function("SLEEPING", budget(true, resetsAt)));
      HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
      assertRefused(response, resetsAt);
      assertThat(new JsonObject(response.body()).getString("code")).isEqualTo("over_budget");
      assertThat(frontend.hold().pending()).isZero();
      assertOneRefusalLogged();
      assertThat(log.only().getDouble("held")).isPositive();
    }
  }

  @Test
  void aSleepingGpuWithStatusUnavailableHoldsAsBefore() throws Exception {
    status.set(() -> Future.failedFuture("Status is down"));
    try (Fixtures.HeldPort gpu = Fixtures.holdPort()) {
      start(gpu.port());
      CompletableFuture<HttpResponse<String>> answer = post("/api/generate");
      await().atMost(Duration.ofSeconds(30)).until(() -> frontend.hold().pending() == 1);
      assertThat(answer).isNotDone();
    }
  }

  @Test
  void noIntentIsPublishedWhileTheBudgetIsUsedUp() throws Exception {
    say(function("OVER_BUDGET", budget(true, Instant.now().plus(1, ChronoUnit.HOURS))));
    try (Fixtures.HeldPort gpu = Fixtures.holdPort()) {
      start(gpu.port());
      pagePolls();
      assertThat(intent()).isEqualTo(204);
      assertThat(activity.intents()).isZero();

      say(function("ASLEEP", budget(false, null)));
      pagePolls();
      assertThat(intent()).isEqualTo(204);
      assertThat(activity.intents()).isEqualTo(1);
    }
  }

  private int intent() throws Exception {
    return http.send(HttpRequest.newBuilder(uri("/snooze/intent")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"trigger\":\"open\"}")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
