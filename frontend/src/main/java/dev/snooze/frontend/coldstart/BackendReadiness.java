package dev.snooze.frontend.coldstart;

import dev.snooze.boot.BootStage;
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
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Whether the GPU backend serves: {@code GET} its health path (under its base path) answering 2xx,
 * and, when the Status function says how the GPU's boot goes, its boot at stage {@code ready}.
 * Probed every {@code interval} while not ready (and every {@code 10 x interval} while ready, so
 * the page notices a sleep), on demand through {@link #probeNow()}, and marked not ready by the
 * proxy when a forward is refused. Thread-safe; listeners run on the probe's thread.
 *
 * <p>The health check answers as soon as the model server's container is up, while the model may
 * still be loading for a minute: a request released then would wait for it anyway, on the
 * backend, past the page's stages. So while Status says {@code boot.stage} is not {@code ready}
 * the backend is not ready, whatever the probe says. Status is asked only once the probe answers
 * 2xx (never while the GPU sleeps: no call per second to a function for nothing), and its silence
 * leaves the probe alone to decide: Status unavailable, slow, or saying nothing about the boot
 * (an older function, a GPU asleep) never holds requests back (liveness over a nicer wait).
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
  private String loadingSaid;
  private final Supplier<Future<JsonObject>> status;

  /** Readiness from the health probe alone. */
  public BackendReadiness(Vertx vertx, ReadinessSettings settings, Clock clock, Duration interval) {
    this(vertx, settings, clock, interval, null);
  }

  /**
   * @param status the Status function's JSON (a failed future when unavailable), or null: the
   *     health probe alone decides
   */
  public BackendReadiness(Vertx vertx, ReadinessSettings settings, Clock clock, Duration interval,
      Supplier<Future<JsonObject>> status) {
    this.vertx = vertx;
    this.status = status;
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
          boolean healthy = result.succeeded() && result.result() / 100 == 2;
          String reason = result.succeeded() ? "health check answered " + result.result()
              : "health check failed: " + result.cause();
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          if (!healthy) {
            finish(promise, false, reason);
            failed(reason, took);
            return;
          }
          loadingStage().onComplete(stage -> {
            if (stage.result() == null) {
              finish(promise, true, reason);
            } else {
              finish(promise, false, reason + ", but the Status function says the GPU's boot is at stage "
                  + stage.result());
              loading(stage.result());
            }
          });
        });
    return promise.future();
  }

  private void finish(Promise<Boolean> promise, boolean ready, String reason) {
    set(ready, reason);
    synchronized (this) {
      probing = null;
    }
    promise.complete(ready);
  }

  /**
   * The boot stage Status reports when it is not {@code ready}; null when Status says the boot is
   * ready, says nothing of it, or cannot be had within the probe's own timeout. Never fails.
   */
  private Future<String> loadingStage() {
    if (status == null) {
      return Future.succeededFuture();
    }
    Future<JsonObject> answer;
    try {
      answer = status.get();
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return answer.timeout(probeTimeout, TimeUnit.MILLISECONDS)
        .map(BackendReadiness::loadingStage)
        .otherwise((String) null);
  }

  /**
   * The rule on the Status function's JSON: {@code boot != null && boot.stage != "ready"} names
   * the stage; anything else (no boot, or a boot without a stage name) says nothing.
   */
  static String loadingStage(JsonObject function) {
    Object boot = function == null ? null : function.getValue("boot");
    if (!(boot instanceof JsonObject report) || !(report.getValue("stage") instanceof String stage)) {
      return null;
    }
    return stage.equals(BootStage.READY.wire()) ? null : (stage.length() <= 64 ? stage : stage.substring(0, 64) + "…");
  }

  /** Each boot stage the backend answers its health check in but is held back for, said once. */
  private void loading(String stage) {
    synchronized (this) {
      if (stage.equals(loadingSaid)) {
        return;
      }
      loadingSaid = stage;
    }
    LOG.info("backend answers its health check but its boot is not ready: requests stay held", "stage", stage,
        "backend", backend.toString());
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
      if (nowReady) {
        loadingSaid = null; // the next wake's stages are said again
      }
      becameReady = nowReady;
    }
    LOG.info(nowReady ? "backend ready" : "backend not ready",
        "ready", nowReady, "reason", reason, "backend", backend.toString());
    if (becameReady) {
      readyListeners.forEach(Runnable::run);
    }
  }
}
