package dev.snooze.frontend.coldstart;

import dev.snooze.frontend.config.Origin;
import dev.snooze.frontend.config.ReadinessSettings;
import dev.snooze.logging.JsonLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Whether the GPU backend serves: {@code GET} its health path (under its base path) answering 2xx.
 * Probed every {@code interval} while not ready (and every {@code 10 x interval} while ready, so
 * the page notices a sleep), on demand through {@link #probeNow()}, and marked not ready by the
 * proxy when a forward is refused. Thread-safe; listeners run on the probe's thread.
 */
public final class BackendReadiness {
  private static final JsonLog LOG = JsonLog.forComponent("frontend.readiness");
  private static final int READY_PROBE_EVERY = 10;

  private final Vertx vertx;
  private final HttpClient client;
  private final Origin backend;
  private final String healthPath;
  private final Clock clock;
  private final Duration interval;
  private final List<Runnable> readyListeners = new CopyOnWriteArrayList<>();

  private boolean ready;
  private Instant since;
  private Future<Boolean> probing;
  private long timer = -1;
  private long ticks;
  private final long probeTimeout;
  private boolean failureSaid;

  public BackendReadiness(Vertx vertx, ReadinessSettings settings, Clock clock, Duration interval) {
    this.vertx = vertx;
    this.backend = settings.backend();
    this.healthPath = settings.healthPath();
    this.clock = clock;
    this.interval = interval;
    this.probeTimeout = Math.max(200, Math.min(2000, interval.toMillis() * 2));
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) probeTimeout)
        .setKeepAlive(false));
    this.since = clock.instant();
  }

  /** Probes at once and then on the schedule. */
  public void start() {
    probeNow();
    timer = vertx.setPeriodic(interval.toMillis(), id -> {
      boolean due;
      synchronized (this) {
        ticks++;
        due = !ready || ticks % READY_PROBE_EVERY == 0;
      }
      if (due) {
        probeNow();
      }
    });
  }

  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    client.close();
  }

  public synchronized boolean isReady() {
    return ready;
  }

  /** When the backend last became ready or not ready (or when this frontend started). */
  public synchronized Instant since() {
    return since;
  }

  /** Runs {@code listener} each time the backend becomes ready. */
  public void onReady(Runnable listener) {
    readyListeners.add(listener);
  }

  /** A forward was refused: the backend has just gone to sleep. Probing resumes at once. */
  public void markNotReady(String reason) {
    set(false, reason);
  }

  /** Probes now unless a probe is already running; completes with the readiness it found. */
  public Future<Boolean> probeNow() {
    Promise<Boolean> promise;
    synchronized (this) {
      if (probing != null) {
        return probing;
      }
      promise = Promise.promise();
      probing = promise.future();
    }
    RequestOptions options = backend.request(HttpMethod.GET, healthPath).setIdleTimeout(probeTimeout);
    long started = System.nanoTime();
    client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        // Every step is bounded on its own; this bounds the whole, so that no lost completion can
        // leave a probe "running" for good and every later probe waiting on it.
        .timeout(4 * probeTimeout, TimeUnit.MILLISECONDS)
        .onComplete(result -> {
          boolean ok = result.succeeded() && result.result() / 100 == 2;
          String reason = result.succeeded() ? "health check answered " + result.result()
              : "health check failed: " + result.cause();
          set(ok, reason);
          if (!ok) {
            failed(reason, Duration.ofNanos(System.nanoTime() - started));
          }
          synchronized (this) {
            probing = null;
          }
          promise.complete(ok);
        });
    return promise.future();
  }

  /**
   * A failed probe. A frontend that never saw its backend ready would otherwise never say why:
   * the first failure of each not-ready period is said once, and a probe that outlived its own
   * deadline (every step has a shorter one) always, as that is a fault of its own.
   */
  private void failed(String reason, Duration took) {
    if (took.toMillis() >= 4 * probeTimeout) {
      LOG.warning("backend health probe ran past its deadline", "reason", reason, "backend", backend.toString(),
          "tookMillis", took.toMillis());
      return;
    }
    synchronized (this) {
      if (failureSaid) {
        return;
      }
      failureSaid = true;
    }
    LOG.info("backend not ready yet", "reason", reason, "backend", backend.toString());
  }

  private void set(boolean nowReady, String reason) {
    boolean becameReady;
    synchronized (this) {
      if (ready == nowReady) {
        return;
      }
      ready = nowReady;
      since = clock.instant();
      failureSaid = !nowReady; // the change is logged below, with its reason
      becameReady = nowReady;
    }
    LOG.info(nowReady ? "backend ready" : "backend not ready",
        "ready", nowReady, "reason", reason, "backend", backend.toString());
    if (becameReady) {
      readyListeners.forEach(Runnable::run);
    }
  }
}
