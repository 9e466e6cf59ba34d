package dev.snooze.local.gpu;

import dev.snooze.local.http.LoopbackServer;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
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
 * {@code 503 no healthy upstream} while no simulated instance takes new requests. Each instance
 * that serves (RUNNING and healthy) is a "VM": an Ollama-compatible server on a port of its own,
 * with Ollama's queue ({@link Concurrency}), listening until the instance goes. The load balancer
 * sends each new request to the serving VM with the fewest requests in flight, ties to the
 * longest serving, as an Application Load Balancer's LEAST_REQUEST does. A VM that drains (its
 * group deletes it under connection draining) gets no new requests while the ones on it go on;
 * when a VM goes (preempted, deleted, stopped) the streams it still holds are cut, as a VM that
 * goes cuts them, even if another VM is up.
 *
 * <p>With a {@link StartupScript}, each VM also plays the end of the GPU VM's startup script once
 * its container is up: it reports {@code loading-model}, loads the model with a warm-up request
 * to its own server, and reports {@code ready}. The load balancer routes to a VM from the moment
 * it is healthy, as GCE's does; holding requests until {@code ready} is the frontend's part.
 */
public final class StandInBackend implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("gpu-backend");
  private static final Duration POLL = Duration.ofMillis(100);
  /** The gone VMs {@link #vmStats()} keeps, the newest; a long benchmark churns through many. */
  private static final int GONE_KEPT = 1000;

  private final Supplier<Upstreams> upstreams;
  private final Duration tokenInterval;
  /** Each VM's Ollama loads this model into a memory of its own (a new VM loads it again). */
  private final ModelSettings model;
  private final Concurrency concurrency;
  private final ScheduledExecutorService poller;
  private final LoopbackServer loadBalancer;
  /** The VMs up (serving or draining), by instance name, the longest serving first. Guarded by this. */
  private final Map<String, StandInVm> vms = new LinkedHashMap<>();
  /** The VMs that went, oldest first. Guarded by this. */
  private final Deque<VmStats> gone = new ArrayDeque<>();
  /** Null: the VMs play no startup script. */
  private final StartupScript startupScript;
  private final ExecutorService scripts;
  /** The startup scripts still running, by instance name. Guarded by this. */
  private final Map<String, Future<?>> running = new HashMap<>();

  private StandInBackend(int port, Supplier<Upstreams> upstreams, Duration tokenInterval, ModelSettings model,
      Concurrency concurrency, StartupScript startupScript) throws IOException {
    this.upstreams = upstreams;
    this.tokenInterval = tokenInterval;
    this.model = model;
    this.concurrency = concurrency;
    this.startupScript = startupScript;
    this.scripts = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "gpu-startup-script");
      thread.setDaemon(true);
      return thread;
    });
    this.loadBalancer = LoopbackServer.start(port, new InternalLoadBalancer(this::route));
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "gpu-backend-power");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts following {@code serving}: VMs that take any number of requests at once, never drain.
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
    return start(port, () -> Upstreams.serving(serving.get()), tokenInterval, model, Concurrency.UNLIMITED,
        startupScript);
  }

  /**
   * Like {@link #start(int, Supplier, Duration, ModelSettings, StartupScript)}, following the
   * instances that serve and those that drain, each VM with Ollama's queue as {@code concurrency}
   * sets it.
   *
   * @param upstreams the instances behind the load balancer now; null when none is
   */
  public static StandInBackend start(int port, Supplier<Upstreams> upstreams, Duration tokenInterval,
      ModelSettings model, Concurrency concurrency, StartupScript startupScript) {
    StandInBackend backend;
    try {
      backend = new StandInBackend(port, upstreams, tokenInterval, model, concurrency, startupScript);
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

  /** Whether a VM takes new requests behind the load balancer now. */
  public synchronized boolean serving() {
    return vms.values().stream().anyMatch(vm -> !vm.draining());
  }

  /** The VM a new request goes to while all are idle: the longest serving one; null while none serves. */
  public synchronized String servingFrom() {
    return vms.values().stream().filter(vm -> !vm.draining()).map(StandInVm::name).findFirst().orElse(null);
  }

  /** Every VM that takes new requests now, the longest serving first. */
  public synchronized List<String> servingVms() {
    return vms.values().stream().filter(vm -> !vm.draining()).map(StandInVm::name).toList();
  }

  /**
   * What each VM did: those that went (the newest {@value #GONE_KEPT}, in the order they went),
   * then those up, the longest serving first. A VM stopped and started again shows once per run.
   */
  public synchronized List<VmStats> vmStats() {
    List<VmStats> all = new ArrayList<>(gone);
    vms.values().forEach(vm -> all.add(vm.stats()));
    return all;
  }

  /** LEAST_REQUEST over the VMs that take new requests; ties go to the longest serving. */
  private synchronized InternalLoadBalancer.Route route() {
    StandInVm best = null;
    for (StandInVm vm : vms.values()) {
      if (!vm.draining() && (best == null || vm.routed() < best.routed())) {
        best = vm;
      }
    }
    return best == null ? null : best.route();
  }

  private synchronized void follow() {
    Upstreams now = upstreams.get();
    if (now == null) {
      now = Upstreams.NONE;
    }
    Set<String> serving = Set.copyOf(now.serving());
    Set<String> draining = Set.copyOf(now.draining());
    boolean wasServing = serving();
    for (StandInVm vm : List.copyOf(vms.values())) {
      if (serving.contains(vm.name())) {
        vm.draining(false);
      } else if (draining.contains(vm.name())) {
        if (!vm.draining()) {
          vm.draining(true);
          int streams = vm.inFlight();
          LOG.info("GPU VM draining: no new requests; " + streams + " stream(s) finishing",
              "instance", vm.name(), "streams", streams, "serving", servingVms().size());
        }
      } else {
        goes(vm);
      }
    }
    for (String name : now.serving()) {
      if (!vms.containsKey(name)) {
        try {
          StandInVm vm = StandInVm.start(name, tokenInterval, model, concurrency);
          vms.put(name, vm);
          LOG.info("GPU VM up: the instance is RUNNING and healthy", "instance", name);
          warmUp(vm);
        } catch (IOException e) {
          LOG.error("GPU VM could not listen", "instance", name, "error", e);
        }
      }
    }
    boolean isServing = serving();
    if (!wasServing && isServing) {
      LOG.info("GPU backend up", "url", baseUrl(), "servingFrom", servingFrom());
    } else if (wasServing && !isServing) {
      LOG.info("GPU backend down: no RUNNING, healthy instance", "url", baseUrl(), "draining", vms.size());
    }
  }

  /** The VM went: its startup script stops, and so does its server, cutting the streams it holds. */
  private void goes(StandInVm vm) {
    Future<?> script = running.remove(vm.name());
    if (script != null) {
      script.cancel(true);
    }
    vms.remove(vm.name());
    boolean drained = vm.draining();
    vm.close();
    VmStats last = vm.stats();
    gone.addLast(last);
    while (gone.size() > GONE_KEPT) {
      gone.removeFirst();
    }
    LOG.info("GPU VM gone: its open streams are cut", "instance", vm.name(), "cut", last.cut(),
        "answered", last.answered(), "busy", last.busy(), "drained", drained, "remaining", vms.size());
  }

  /** Starts the VM's startup script, which ends on its own or when the VM goes. */
  private void warmUp(StandInVm vm) {
    if (startupScript == null) {
      return;
    }
    running.values().removeIf(Future::isDone);
    running.put(vm.name(), scripts.submit(() -> startupScript.run(vm.name(), vm.url(), () -> stillUp(vm))));
  }

  private synchronized boolean stillUp(StandInVm vm) {
    return vms.get(vm.name()) == vm;
  }

  @Override
  public synchronized void close() {
    poller.shutdownNow();
    scripts.shutdownNow();
    running.clear();
    vms.values().forEach(StandInVm::close);
    vms.clear();
    loadBalancer.close();
  }
}
