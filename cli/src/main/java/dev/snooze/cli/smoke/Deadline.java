package dev.snooze.cli.smoke;

import java.time.Duration;

/** The end of the smoke's {@code --timeout}, on the monotonic clock. */
record Deadline(long endNanos) {
  static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos());
  }

  Duration remaining() {
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }

  boolean passed() {
    return System.nanoTime() - endNanos >= 0;
  }

  /** What is left, but never more than {@code cap}, and at least a millisecond (an HTTP timeout must be positive). */
  Duration remainingAtMost(Duration cap) {
    Duration left = remaining();
    Duration bounded = left.compareTo(cap) > 0 ? cap : left;
    return bounded.isZero() ? Duration.ofMillis(1) : bounded;
  }
}
