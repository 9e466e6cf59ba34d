package dev.snooze.local.gpu;

import dev.snooze.local.http.LoopbackServer;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A stand-in for the GPU MIG behind its internal load balancer: an Ollama-compatible server on a
 * fixed loopback port that listens only while the simulated MIG has a RUNNING, healthy instance.
 * While it sleeps, connections are refused, as they would be to a backend with no VM; when the
 * last VM goes, open streams are cut, as a deleted VM cuts them.
 */
public final class StandInBackend implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("gpu-backend");
  private static final Duration POLL = Duration.ofMillis(100);

  private final int port;
  private final BooleanSupplier serving;
  private final OllamaApi api;
  private final ScheduledExecutorService poller;
  private LoopbackServer server; // guarded by this

  private StandInBackend(int port, BooleanSupplier serving, Duration tokenInterval) {
    this.port = port;
    this.serving = serving;
    this.api = new OllamaApi(tokenInterval, Clock.systemUTC());
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
   * @param port the backend's port; 0 picks a free one, kept for the backend's lifetime so that
   *     the frontend always proxies to the same address
   * @param serving whether the simulated MIG has a RUNNING, healthy instance now
   * @param tokenInterval the pause before each streamed token
   */
  public static StandInBackend start(int port, BooleanSupplier serving, Duration tokenInterval) {
    StandInBackend backend =
        new StandInBackend(port == 0 ? freePort() : port, serving, tokenInterval);
    backend.follow();
    backend.poller.scheduleWithFixedDelay(
        backend::follow, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    return backend;
  }

  /** {@code http://127.0.0.1:PORT}: the address the internal load balancer would have. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public synchronized boolean listening() {
    return server != null;
  }

  private synchronized void follow() {
    boolean up = serving.getAsBoolean();
    if (up && server == null) {
      try {
        server = LoopbackServer.start(port, api);
        LOG.info("GPU backend up: a simulated instance is RUNNING and healthy", Map.of("url", baseUrl()));
      } catch (IOException e) {
        LOG.error("GPU backend could not listen", Map.of("port", port, "error", e));
      }
    } else if (!up && server != null) {
      server.close();
      server = null;
      LOG.info("GPU backend down: no RUNNING, healthy instance", Map.of("url", baseUrl()));
    }
  }

  @Override
  public synchronized void close() {
    poller.shutdownNow();
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for the GPU backend", e);
    }
  }
}
