package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.frontend.coldstart.BackendReadiness;
import dev.snooze.frontend.server.Fixtures;
import dev.snooze.frontend.config.Origin;
import dev.snooze.frontend.config.ReadinessSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The retry's decisions against a real health check on loopback. */
class SleepRetryTest {
  /**
   * A probe's connection and answer are each bounded at 2 s (twice its 1 s interval), the whole at
   * 8 s; an await stays far above that. One probe is asked to find the backend healthy, no retry:
   * this test twice caught Vert.x 5.0.7 losing a response's end (vert.x#6038, fixed in 5.0.11),
   * a probe left hanging until its 8 s bound and so "not ready".
   */
  private static final long AWAIT_SECONDS = 20;
  private static final Attempt COLD = Attempt.FIRST.held();
  private static final Attempt SECOND = Attempt.FIRST.retried(new Attempt.FromClient());

  @RegisterExtension
  final Loopback loopback = new Loopback();
  private final Vertx vertx = loopback.vertx;
  private final AtomicInteger health = new AtomicInteger(200);
  private BackendReadiness readiness;
  private SleepRetry retry;

  @BeforeEach
  void setUp() throws Exception {
    HttpServer backend = loopback.serve(request -> request.response().setStatusCode(health.get()).end());
    readiness = readiness(backend.actualPort());
    retry = new SleepRetry(readiness);
    assertThat(readiness.probeNow().await(AWAIT_SECONDS, TimeUnit.SECONDS)).as("ready").isTrue();
  }

  @AfterEach
  void tearDown() throws Exception {
    readiness.close();
  }

  private BackendReadiness readiness(int port) {
    return new BackendReadiness(vertx, new ReadinessSettings(Origin.of(URI.create("http://127.0.0.1:" + port)), "/"),
        Clock.systemUTC(), Duration.ofSeconds(1));
  }

  /** What Vert.x fails a connection to a port nobody listens on with. */
  private Throwable refusal() throws Exception {
    try (Fixtures.HeldPort closed = Fixtures.holdPort()) {
      vertx.createHttpClient().request(HttpMethod.GET, closed.port(), "127.0.0.1", "/").await(AWAIT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("port " + closed.port() + " answered");
    } catch (Exception e) {
      return e;
    }
  }

  @Test
  void aRefusedFirstForwardIsRetriedAndTheBackendMarkedNotReady() throws Exception {
    assertThat(retry.refused(Attempt.FIRST, refusal())).isTrue();
    assertThat(readiness.isReady()).isFalse();
  }

  @Test
  void aRefusedForwardThatWaitedForAWakeOrIsTheRetryIsNotRetried() throws Exception {
    Throwable refusal = refusal();
    assertThat(retry.refused(COLD, refusal)).isFalse();
    assertThat(retry.refused(SECOND, refusal)).isFalse();
    assertThat(retry.refused(Attempt.FIRST, new IOException("connection reset"))).isFalse();
    assertThat(readiness.isReady()).isTrue();
  }

  @Test
  void onlyA503ToAFirstForwardWhoseBodyWasSentWholeMayBeTheGpuAsleep() {
    assertThat(retry.mayBeAsleep(Attempt.FIRST, 503, true)).isTrue();
    assertThat(retry.mayBeAsleep(Attempt.FIRST, 503, false)).as("body not all sent").isFalse();
    assertThat(retry.mayBeAsleep(Attempt.FIRST, 502, true)).isFalse();
    assertThat(retry.mayBeAsleep(COLD, 503, true)).isFalse();
    assertThat(retry.mayBeAsleep(SECOND, 503, true)).isFalse();
  }

  @Test
  void theHealthCheckTellsTheLoadBalancers503FromTheBackendsOwn() throws Exception {
    assertThat(retry.asleep().await(AWAIT_SECONDS, TimeUnit.SECONDS)).as("health check passes: the backend's own").isFalse();
    health.set(503);
    assertThat(retry.asleep().await(AWAIT_SECONDS, TimeUnit.SECONDS)).as("health check fails too: asleep").isTrue();
  }

  @Test
  void aHealthCheckThatCannotBeHadCountsAsAsleep() throws Exception {
    try (Fixtures.HeldPort nobody = Fixtures.holdPort()) {
      BackendReadiness gone = readiness(nobody.port());
      try {
        assertThat(new SleepRetry(gone).asleep().await(AWAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      } finally {
        gone.close();
      }
    }
  }
}
