package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.frontend.coldstart.BackendReadiness;
import dev.snooze.frontend.server.Fixtures;
import dev.snooze.frontend.coldstart.Hold;
import dev.snooze.frontend.coldstart.HoldRejected;
import dev.snooze.frontend.config.HoldSettings;
import dev.snooze.frontend.config.Origin;
import dev.snooze.frontend.config.ReadinessSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Holding while the GPU sleeps (nothing listens on its port until it wakes), and turning away. */
class ColdStartHoldTest {
  @RegisterExtension
  final Loopback loopback = new Loopback();
  private final Vertx vertx = loopback.vertx;
  private Fixtures.HeldPort gpu;
  private int gpuPort;
  private BackendReadiness readiness;
  private ColdStartHold coldStart;
  private HttpServer front;

  @BeforeEach
  void setUp() throws Exception {
    gpu = Fixtures.holdPort();
    gpuPort = gpu.port();
    Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
    readiness = new BackendReadiness(vertx,
        new ReadinessSettings(Origin.of(URI.create("http://127.0.0.1:" + gpuPort)), "/"), clock, Duration.ofSeconds(1));
    coldStart = new ColdStartHold(readiness,
        new Hold(vertx, readiness, new HoldSettings(Duration.ofSeconds(30), 10, Duration.ofSeconds(90)), clock));
    front = loopback.serve(request -> coldStart.turnAway(request.response(),
        request.path().equals("/full")
            ? new HoldRejected("too many requests are waiting for the GPU to wake up", Hold.WAKING, 42)
            : new IllegalStateException("the wait failed otherwise")));
  }

  @AfterEach
  void tearDown() throws Exception {
    readiness.close();
    gpu.close();
  }

  /** The answer to a request turned away: 503, Retry-After, and the same figure in the JSON. */
  private void assertTurnedAway(String path, long retryAfter, String error) throws Exception {
    HttpResponse<String> response = Loopback.CLIENT.send(HttpRequest.newBuilder(Loopback.uri(front, path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue(Long.toString(retryAfter));
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject()
        .put("error", error).put("phase", "WAKING").put("retryAfterSeconds", retryAfter));
  }

  @Test
  void aRequestIsHeldUntilTheGpuServes() throws Exception {
    assertThat(coldStart.serving()).isFalse();
    Hold.Waiter waiter = coldStart.admit();
    assertThat(waiter.future().isComplete()).isFalse();
    // admit() probed, and a probe asked for while one runs shares its answer: let that one see the
    // sleeping GPU first, or the probe below could be it, answered "refused" after the GPU woke.
    assertThat(readiness.probeNow().await(10, TimeUnit.SECONDS)).as("ready while nothing listens").isFalse();

    vertx.createHttpServer().requestHandler(request -> request.response().end("Ollama is running"))
        .listen(gpuPort, "127.0.0.1").await(10, TimeUnit.SECONDS);
    readiness.probeNow();
    waiter.future().await(10, TimeUnit.SECONDS);
    assertThat(coldStart.serving()).isTrue();
  }

  @Test
  void aRequestTurnedAwayGets503WithWhenToRetry() throws Exception {
    assertTurnedAway("/full", 42, "too many requests are waiting for the GPU to wake up");
  }

  @Test
  void aWaitThatFailedOtherwiseIsTheGpuWakingWithTheExpectedWakeLeft() throws Exception {
    assertTurnedAway("/other", 90, "the GPU is waking up");
  }
}
