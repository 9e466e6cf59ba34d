package dev.snooze.local.gpu;

import dev.snooze.local.http.LoopbackServer;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A stand-in for the GPU MIGs (one per offer) behind their one internal load balancer. The load
 * balancer listens on a fixed loopback port for the stack's lifetime and answers
 * {@code 503 no healthy upstream} while no simulated instance is RUNNING and healthy. Each such
 * instance is a "VM": an Ollama-compatible server on a port of its own, listening only while the
 * instance serves. When a VM goes (preempted, deleted, stopped) the streams it was serving are
 * cut, as a VM that goes cuts them, even if another group's VM is up; new requests go to a VM
 * that is still up.
 *
 * <p>With a {@link StartupScript}, each VM also plays the end of the GPU VM's startup script once
 * its container is up: it reports {@code loading-model}, loads the model with a warm-up request
 * to its own server, and reports {@code ready}. The load balancer routes to a VM from the moment
 * it is healthy, as GCE's does; holding requests until {@code ready} is the frontend's part.
 */
public final class StandInBackend implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("gpu-backend");
  private static final Duration POLL = Duration.ofMillis(100);

  private final Supplier<? extends Collection<String>> serving;
  private final Duration tokenInterval;
  /** Each VM's Ollama loads this model into a memory of its own (a new VM loads it again). */
  private final ModelSettings model;
  private final ScheduledExecutorService poller;
  private final LoopbackServer loadBalancer;
  /** The serving instances' servers, by instance name, the longest serving first. Guarded by this. */
  private final Map<String, LoopbackServer> vms = new LinkedHashMap<>();
  /** Null: the VMs play no startup script. */
  private final StartupScript startupScript;
  private final ExecutorService scripts;
  /** The startup scripts still running, by instance name. Guarded by this. */
  private final Map<String, Future<?>> running = new HashMap<>();

  private StandInBackend(int port, Supplier<? extends Collection<String>> serving, Duration tokenInterval,
      ModelSettings model, StartupScript startupScript) throws IOException {
    this.serving = serving;
    this.tokenInterval = tokenInterval;
    this.model = model;
    this.startupScript = startupScript;
    this.scripts = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "gpu-startup-script");
      thread.setDaemon(true);
      return thread;
    });
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
   * @param serving the names of the simulated instances that are RUNNING and healthy now, in
   *     any of the groups behind the load balancer; empty (or null) when none is
   * @param tokenInterval the pause before each streamed token
   */
  public static StandInBackend start(int port, Supplier<? extends Collection<String>> serving, Duration tokenInterval) {
    return start(port, serving, tokenInterval, ModelSettings.instant(), null);
  }

  /**
   * Like {@link #start(int, Supplier, Duration)}, with a model that each VM loads on its first
   * request (or warm-up) and unloads after its keep-alive, as Ollama does, and each VM playing
   * {@code startupScript} once it serves (null: none).
   */
  public static StandInBackend start(int port, Supplier<? extends Collection<String>> serving, Duration tokenInterval,
      ModelSettings model, StartupScript startupScript) {
    StandInBackend backend;
    try {
      backend = new StandInBackend(port, serving, tokenInterval, model, startupScript);
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
    return !vms.isEmpty();
  }

  /** The instance new requests go to: the longest serving one; null while none serves. */
  public synchronized String servingFrom() {
    return vms.isEmpty() ? null : vms.keySet().iterator().next();
  }

  /** Every instance serving behind the load balancer now, the longest serving first. */
  public synchronized List<String> servingVms() {
    return List.copyOf(vms.keySet());
  }

  private synchronized URI vmUrl() {
    return vms.isEmpty() ? null : URI.create(vms.values().iterator().next().baseUrl());
  }

  private synchronized void follow() {
    Collection<String> up = serving.get();
    Set<String> now = up == null ? Set.of() : Set.copyOf(up);
    for (String gone : List.copyOf(vms.keySet())) {
      if (!now.contains(gone)) {
        Future<?> script = running.remove(gone);
        if (script != null) {
          script.cancel(true); // the VM went: so does its startup script
        }
        vms.remove(gone).close(); // cuts the streams it serves
        LOG.info("GPU VM gone: its open streams are cut", "instance", gone, "remaining", vms.size());
      }
    }
    boolean wasDown = vms.isEmpty();
    for (String name : up == null ? List.<String>of() : up) {
      if (!vms.containsKey(name)) {
        try {
          LoopbackServer vm = LoopbackServer.start(0, OllamaApi.forVm(name, tokenInterval, model));
          vms.put(name, vm);
          LOG.info("GPU VM up: the instance is RUNNING and healthy", "instance", name);
          warmUp(name, vm);
        } catch (IOException e) {
          LOG.error("GPU VM could not listen", "instance", name, "error", e);
        }
      }
    }
    if (wasDown && !vms.isEmpty()) {
      LOG.info("GPU backend up", "url", baseUrl(), "servingFrom", servingFrom());
    } else if (!wasDown && vms.isEmpty()) {
      LOG.info("GPU backend down: no RUNNING, healthy instance", "url", baseUrl());
    }
  }

  /** Starts the VM's startup script, which ends on its own or when the VM goes. */
  private void warmUp(String name, LoopbackServer vm) {
    if (startupScript == null) {
      return;
    }
    running.values().removeIf(Future::isDone);
    running.put(name, scripts.submit(
        () -> startupScript.run(name, URI.create(vm.baseUrl()), () -> stillServing(name, vm))));
  }

  private synchronized boolean stillServing(String name, LoopbackServer vm) {
    return vms.get(name) == vm;
  }

  @Override
  public synchronized void close() {
    poller.shutdownNow();
    scripts.shutdownNow();
    running.clear();
    vms.values().forEach(LoopbackServer::close);
    vms.clear();
    loadBalancer.close();
  }
}
