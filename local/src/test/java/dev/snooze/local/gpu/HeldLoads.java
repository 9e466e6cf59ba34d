package dev.snooze.local.gpu;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model loads a test can count and hold: each load waits until {@link #finish()} (at once when
 * built {@link #instant()}), so a test decides when a load ends instead of sleeping through it.
 */
final class HeldLoads implements ModelMemory.LoadWait {
  private final AtomicInteger started = new AtomicInteger();
  private volatile CompletableFuture<Void> gate;

  private HeldLoads(CompletableFuture<Void> gate) {
    this.gate = gate;
  }

  static HeldLoads instant() {
    return new HeldLoads(CompletableFuture.completedFuture(null));
  }

  static HeldLoads held() {
    return new HeldLoads(new CompletableFuture<>());
  }

  @Override
  public void await(Duration loadTime) throws InterruptedException {
    started.incrementAndGet();
    try {
      gate.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ends the load under way (and every later one). */
  void finish() {
    gate.complete(null);
  }

  /** How many loads began. */
  int started() {
    return started.get();
  }
}
