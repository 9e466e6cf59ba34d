package dev.snooze.local.gpu;

import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One VM's GPU memory, as Ollama manages it: the model is not loaded when the server starts; the
 * first request loads it ({@link ModelSettings#loadTime()}, and requests that arrive meanwhile
 * wait for the same load); it stays loaded while requests use it and for the keep-alive after
 * the last one ended, then it is unloaded and the next request waits for a load again. A
 * request's own {@code keep_alive} replaces the default for the expiry that follows it, as in
 * Ollama, where the last request to set it wins.
 *
 * <p>Expiry is read from the injected clock (a test moves a hand clock past it); it is applied
 * when the memory is next looked at, which is when anyone could tell. The load itself is a real
 * wait, through {@link LoadWait}, so that a test can hold or count loads.
 */
final class ModelMemory {
  private static final JsonLog LOG = JsonLog.forComponent("gpu-model");

  /** Waits while the model loads; the stand-in sleeps, a test may block or count. */
  @FunctionalInterface
  interface LoadWait {
    void await(Duration loadTime) throws InterruptedException;

    LoadWait SLEEP = loadTime -> Thread.sleep(loadTime.toMillis());
  }

  /** What {@code /api/ps} shows of a loaded model; {@code expiresAt} null = never unloaded. */
  record Loaded(String name, Instant expiresAt) {}

  private final String vm;
  private final ModelSettings settings;
  private final Clock clock;
  private final LoadWait loadWait;

  // All guarded by this.
  private boolean loaded;
  private CompletableFuture<Void> loading;
  private int inUse;
  private Duration keepAlive;
  /** When the loaded, unused model unloads; null while in use or when it never unloads. */
  private Instant expiresAt;
  private int loads;

  ModelMemory(String vm, ModelSettings settings, Clock clock, LoadWait loadWait) {
    this.vm = vm;
    this.settings = settings;
    this.clock = clock;
    this.loadWait = loadWait;
    this.keepAlive = settings.keepAlive();
  }

  ModelSettings settings() {
    return settings;
  }

  /**
   * Waits until the model is loaded, loading it if no one is, and holds it in use until the
   * returned lease is closed.
   *
   * @param requestKeepAlive the request's {@code keep_alive}, or null for the default
   * @throws IOException when the wait is interrupted (the VM stopped) or the shared load failed
   */
  Lease use(Duration requestKeepAlive) throws IOException {
    long started = System.nanoTime();
    CompletableFuture<Void> load;
    boolean loader = false;
    synchronized (this) {
      unloadIfExpired();
      inUse++;
      expiresAt = null;
      keepAlive = requestKeepAlive != null ? requestKeepAlive : settings.keepAlive();
      if (loaded) {
        return new Lease(0);
      }
      if (loading == null) {
        loading = new CompletableFuture<>();
        loader = true;
        LOG.info("model loading", "vm", vm, "model", settings.name(), "loadTime", settings.loadTime().toString());
      }
      load = loading;
    }
    try {
      if (loader) {
        load(load);
      } else {
        load.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      release();
      throw new IOException("the model load was interrupted: the VM stopped", e);
    } catch (ExecutionException | RuntimeException e) {
      release();
      throw new IOException("the model load failed", e);
    }
    return new Lease(System.nanoTime() - started);
  }

  private void load(CompletableFuture<Void> load) throws InterruptedException {
    try {
      loadWait.await(settings.loadTime());
    } catch (InterruptedException | RuntimeException e) {
      synchronized (this) {
        loading = null;
      }
      load.completeExceptionally(e);
      throw e;
    }
    synchronized (this) {
      loading = null;
      loaded = true;
      loads++;
    }
    LOG.info("model loaded", "vm", vm, "model", settings.name(), "loads", loads());
    load.complete(null);
  }

  /**
   * Ollama's {@code keep_alive: 0} without a prompt: unloads the model now, or after the
   * requests that use it end.
   */
  synchronized void unload() {
    keepAlive = Duration.ZERO;
    if (inUse == 0 && loaded) {
      loaded = false;
      expiresAt = null;
      LOG.info("model unloaded: asked to", "vm", vm, "model", settings.name());
    }
  }

  /** The loaded model, as {@code /api/ps} shows it; empty when none is loaded. */
  synchronized Optional<Loaded> loaded() {
    unloadIfExpired();
    if (!loaded) {
      return Optional.empty();
    }
    Instant expiry = inUse > 0 ? expiryFrom(clock.instant()) : expiresAt;
    return Optional.of(new Loaded(settings.name(), expiry));
  }

  /** How many times this VM loaded the model. */
  synchronized int loads() {
    return loads;
  }

  private synchronized void release() {
    inUse--;
    if (inUse == 0 && loaded) {
      expiresAt = expiryFrom(clock.instant());
      if (expiresAt != null && keepAlive.isZero()) {
        unloadIfExpired();
      }
    }
  }

  private Instant expiryFrom(Instant now) {
    return ModelSettings.neverUnloads(keepAlive) ? null : now.plus(keepAlive);
  }

  private void unloadIfExpired() {
    if (loaded && inUse == 0 && expiresAt != null && !clock.instant().isBefore(expiresAt)) {
      LOG.info("model unloaded: its keep_alive ran out", "vm", vm, "model", settings.name(),
          "keepAlive", keepAlive.toString(), "expiredAt", expiresAt.toString());
      loaded = false;
      expiresAt = null;
    }
  }

  /** A request's use of the loaded model; closing it starts the keep-alive countdown. */
  final class Lease implements AutoCloseable {
    private final long waitedNanos;
    private boolean closed;

    private Lease(long waitedNanos) {
      this.waitedNanos = waitedNanos;
    }

    /** How long this request waited for the model to load: Ollama's {@code load_duration}. */
    long loadNanos() {
      return waitedNanos;
    }

    @Override
    public void close() {
      synchronized (ModelMemory.this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release();
    }
  }
}
