package dev.snooze.frontend.activity;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The pure decision whether a request's activity is published now: at most one message per
 * {@code window} for ordinary requests, and at once while the backend is asleep, but never more
 * than one per {@code asleepWindow}. Lock-free: under any contention exactly one caller per window
 * wins. Time comes from an injected nanosecond ticker ({@code System::nanoTime} in production).
 */
public final class Debouncer {
  private static final long NEVER = Long.MIN_VALUE;

  private final long windowNanos;
  private final long asleepWindowNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong lastPublished = new AtomicLong(NEVER);

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
        return true;
      }
    }
  }

  /** Another message (a heartbeat) went out now: ordinary requests need not repeat it. */
  public void published() {
    long now = nanoTime.getAsLong();
    lastPublished.accumulateAndGet(now, (last, next) -> last == NEVER || next - last > 0 ? next : last);
  }
}
