package dev.snooze.frontend.activity;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The pure decision whether activity is published now: for requests, at most one message per
 * {@code window}, and at once while the backend is asleep, but never more than one per
 * {@code asleepWindow}; for heartbeats, see {@link #tryHeartbeat}. Together at most one message
 * goes out per window, heartbeats included. Lock-free: under any contention exactly one request
 * per window wins. Time comes from an injected nanosecond ticker ({@code System::nanoTime} in
 * production).
 */
public final class Debouncer {
  private static final long NEVER = Long.MIN_VALUE;

  private final long windowNanos;
  private final long asleepWindowNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong lastPublished = new AtomicLong(NEVER);
  private final AtomicLong lastRequest = new AtomicLong(NEVER);

  public Debouncer(Duration window, Duration asleepWindow, LongSupplier nanoTime) {
    if (window.isNegative() || asleepWindow.isNegative()) {
      throw new IllegalArgumentException("windows must not be negative");
    }
    this.windowNanos = window.toNanos();
    this.asleepWindowNanos = Math.min(asleepWindow.toNanos(), windowNanos);
    this.nanoTime = nanoTime;
  }

  /** True when the caller must publish now; the window then starts again from now. */
  public boolean tryPublish(boolean backendAsleep) {
    long window = backendAsleep ? asleepWindowNanos : windowNanos;
    long now = nanoTime.getAsLong();
    while (true) {
      long last = lastPublished.get();
      if (last != NEVER && now - last < window) {
        return false;
      }
      if (lastPublished.compareAndSet(last, now)) {
        lastRequest.accumulateAndGet(now, Debouncer::later);
        return true;
      }
    }
  }

  /**
   * A heartbeat is due (requests are in flight): true unless a request's message went out less
   * than {@code interval} ago, having just reported the same; a heartbeat sent starts the
   * requests' window again. Heartbeats are paced by their own schedule, never skipped for one
   * another, so a late tick cannot double the gap between them.
   */
  public boolean tryHeartbeat(Duration interval) {
    long now = nanoTime.getAsLong();
    long request = lastRequest.get();
    if (request != NEVER && now - request < interval.toNanos()) {
      return false;
    }
    lastPublished.accumulateAndGet(now, Debouncer::later);
    return true;
  }

  private static long later(long last, long next) {
    return last == NEVER || next - last > 0 ? next : last;
  }
}
