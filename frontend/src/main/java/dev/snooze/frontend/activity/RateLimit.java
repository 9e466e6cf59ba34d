package dev.snooze.frontend.activity;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** At most one permit per interval (for log lines that could otherwise flood). Lock-free. */
final class RateLimit {
  private static final long NEVER = Long.MIN_VALUE;

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong last = new AtomicLong(NEVER);

  RateLimit(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  boolean tryAcquire() {
    long now = nanoTime.getAsLong();
    long previous = last.get();
    return (previous == NEVER || now - previous >= intervalNanos) && last.compareAndSet(previous, now);
  }
}
