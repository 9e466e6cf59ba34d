package dev.snooze.local.gpu;

import dev.snooze.local.http.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated GPU VM behind the load balancer: its Ollama server on a port of its own, its
 * queue, whether it drains, and what became of the requests it took. Closing it is the VM going:
 * the streams still open on it are cut.
 */
final class StandInVm implements AutoCloseable {
  private final String name;
  private final LoopbackServer server;
  private final URI url;
  private final Admission admission;
  /** Requests the load balancer sent here and has not finished relaying: what LEAST_REQUEST compares. */
  private final AtomicInteger routed = new AtomicInteger();
  private volatile boolean draining;
  /** Requests still on the VM when it went; -1 while it is up. */
  private volatile int cut = -1;

  private StandInVm(String name, LoopbackServer server, Admission admission) {
    this.name = name;
    this.server = server;
    this.url = URI.create(server.baseUrl());
    this.admission = admission;
  }

  static StandInVm start(String name, Duration tokenInterval, ModelSettings model, Concurrency concurrency)
      throws IOException {
    Admission admission = new Admission(concurrency);
    return new StandInVm(name, LoopbackServer.start(0, OllamaApi.forVm(name, tokenInterval, model, admission)),
        admission);
  }

  String name() {
    return name;
  }

  URI url() {
    return url;
  }

  boolean draining() {
    return draining;
  }

  void draining(boolean value) {
    draining = value;
  }

  /** Requests on the VM now, generating or queued. */
  int inFlight() {
    return admission.inFlight();
  }

  int routed() {
    return routed.get();
  }

  /** The load balancer sends it one more request; the route ends when the relay does. */
  InternalLoadBalancer.Route route() {
    routed.incrementAndGet();
    return new InternalLoadBalancer.Route(url, routed::decrementAndGet);
  }

  VmStats stats() {
    int wasCut = cut;
    if (wasCut >= 0) {
      return new VmStats(name, VmStats.State.GONE, 0, admission.answered(), admission.busy(), wasCut);
    }
    return new VmStats(name, draining ? VmStats.State.DRAINING : VmStats.State.SERVING,
        admission.inFlight(), admission.answered(), admission.busy(), 0);
  }

  /** The VM goes: its server stops and the requests still on it are cut. */
  @Override
  public void close() {
    if (cut < 0) {
      cut = admission.inFlight();
    }
    server.close();
  }
}
