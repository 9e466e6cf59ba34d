package dev.snooze.local.gpu;

import dev.snooze.local.http.LoopbackServer;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A stand-in for the GPU MIG behind its internal load balancer. The load balancer listens on a
 * fixed loopback port for the stack's lifetime and answers {@code 503 no healthy upstream} while
 * the simulated MIG has no RUNNING, healthy instance; the "VM", an Ollama-compatible server on a
 * port of its own, listens only while it has one. When the last VM goes, open streams are cut, as
 * a deleted VM cuts them.
 */
public final class StandInBackend implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("gpu-backend");
  private static final Duration POLL = Duration.ofMillis(100);

  private final BooleanSupplier serving;
  private final OllamaApi api;
  private final ScheduledExecutorService poller;
  private final LoopbackServer loadBalancer;
  private LoopbackServer vm; // guarded by this

  private StandInBackend(int port, BooleanSupplier serving, Duration tokenInterval) throws IOException {
    this.serving = serving;
    this.api = new OllamaApi(tokenInterval, Clock.systemUTC());
    this.loadBalancer = LoopbackServer.start(port, new InternalLoadBalancer(this::vmUrl));
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "gpu-backend-power");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts following {@code serving}.
   *
   * @param port the load balancer's port; 0 picks a free one, kept for the backend's lifetime so
   *     that the frontend always proxies to the same address
   * @param serving whether the simulated MIG has a RUNNING, healthy instance now
   * @param tokenInterval the pause before each streamed token
   */
  public static StandInBackend start(int port, BooleanSupplier serving, Duration tokenInterval) {
    StandInBackend backend;
    try {
      backend = new StandInBackend(port, serving, tokenInterval);
    } catch (IOException e) {
      throw new UncheckedIOException("the GPU backend's load balancer could not listen on " + port, e);
    }
    backend.follow();
    backend.poller.scheduleWithFixedDelay(
        backend::follow, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    return backend;
  }

  /** The internal load balancer's address, which the frontend proxies to. */
  public String baseUrl() {
    return loadBalancer.baseUrl();
  }

  /** Whether a VM serves behind the load balancer now. */
  public synchronized boolean serving() {
    return vm != null;
  }

  private synchronized URI vmUrl() {
    return vm == null ? null : URI.create(vm.baseUrl());
  }

  private synchronized void follow() {
    boolean up = serving.getAsBoolean();
    if (up && vm == null) {
      try {
        vm = LoopbackServer.start(0, api);
        LOG.info("GPU backend up: a simulated instance is RUNNING and healthy", "url", baseUrl());
      } catch (IOException e) {
        LOG.error("GPU backend could not listen", "error", e);
      }
    } else if (!up && vm != null) {
      vm.close();
      vm = null;
      LOG.info("GPU backend down: no RUNNING, healthy instance", "url", baseUrl());
    }
  }

  @Override
  public synchronized void close() {
    poller.shutdownNow();
    if (vm != null) {
      vm.close();
      vm = null;
    }
    loadBalancer.close();
  }
}
