package dev.snooze.frontend.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.frontend.config.HoldSettings;
import dev.snooze.frontend.config.Origin;
import dev.snooze.frontend.config.ReadinessSettings;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retry-After bookkeeping on an injected clock; nothing listens on the backend port. */
class HoldTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void retryAfterIsTheExpectedWakeLessTheTimeAlreadySpentAtLeastFive() {
    Instant start = Instant.parse("2026-11-28T00:00:00Z");
    Clock[] clock = {Clock.fixed(start, ZoneOffset.UTC)};
    Clock moving = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return clock[0].instant(); }
    };
    BackendReadiness readiness = new BackendReadiness(vertx,
        new ReadinessSettings(Origin.of(URI.create("http://127.0.0.1:9")), "/"), moving, Duration.ofSeconds(1));
    Hold hold = new Hold(vertx, readiness,
        new HoldSettings(Duration.ofSeconds(1), 1, Duration.ofSeconds(90)), moving);
    assertThat(hold.retryAfterSeconds()).isEqualTo(90);
    clock[0] = Clock.fixed(start.plusSeconds(60), ZoneOffset.UTC);
    assertThat(hold.retryAfterSeconds()).isEqualTo(30);
    clock[0] = Clock.fixed(start.plusSeconds(600), ZoneOffset.UTC);
    assertThat(hold.retryAfterSeconds()).isEqualTo(5);
    readiness.close();
  }
}
