package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpStatusSourceTest {
  private final Vertx vertx = Vertx.vertx();
  private Instant now = Instant.parse("2026-11-28T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void fetchesTheFunctionAndCachesItForTheTtl() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer function = vertx.createHttpServer().requestHandler(request -> request.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("phase", "ASLEEP").put("call", calls.incrementAndGet()).encode()))
        .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    HttpStatusSource source = new HttpStatusSource(vertx,
        URI.create("http://127.0.0.1:" + function.actualPort() + "/status"), Duration.ofSeconds(2),
        Duration.ofSeconds(1), clock);
    assertThat(source.fetch().await(5, TimeUnit.SECONDS).getInteger("call")).isEqualTo(1);
    assertThat(source.fetch().await(5, TimeUnit.SECONDS).getInteger("call")).isEqualTo(1);
    now = now.plusMillis(1500);
    assertThat(source.fetch().await(5, TimeUnit.SECONDS).getInteger("call")).isEqualTo(2);
    assertThat(calls).hasValue(2);
  }

  @Test
  void callsCarryTheIdTokenWhenOneIsNeeded() throws Exception {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer function = vertx.createHttpServer().requestHandler(request -> {
      seen.add(String.valueOf(request.getHeader("Authorization")));
      request.response().putHeader("Content-Type", "application/json").end("{\"phase\":\"AWAKE\"}");
    }).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    URI url = URI.create("http://127.0.0.1:" + function.actualPort() + "/");

    new HttpStatusSource(vertx, url, Duration.ofSeconds(2), Duration.ofSeconds(1), clock, () -> "token-1")
        .fetch().await(5, TimeUnit.SECONDS);
    new HttpStatusSource(vertx, url, Duration.ofSeconds(2), Duration.ofSeconds(1), clock)
        .fetch().await(5, TimeUnit.SECONDS);

    assertThat(seen).containsExactly("Bearer token-1", "null");
  }

  @Test
  void aSilentFunctionFailsWithinTheTimeout() throws Exception {
    HttpServer silent = vertx.createHttpServer().requestHandler(request -> { })
        .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    HttpStatusSource source = new HttpStatusSource(vertx,
        URI.create("http://127.0.0.1:" + silent.actualPort() + "/"), Duration.ofMillis(300),
        Duration.ofSeconds(1), clock);
    long started = System.nanoTime();
    assertThatThrownBy(() -> source.fetch().await(60, TimeUnit.SECONDS)).isInstanceOf(Exception.class);
    // Given up at its 300 ms timeout, not at the await's minute: a 20 s bound tells the two apart
    // whatever the machine's load.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }
}
