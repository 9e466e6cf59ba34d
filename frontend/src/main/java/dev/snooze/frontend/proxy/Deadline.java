package dev.snooze.frontend.proxy;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The request timeout of one forward, from the connection on, the stream included: unless
 * cancelled first, it runs {@code expired} on the context that started it. Silent gaps never end
 * a stream (the backend client has no idle timeout); only this total does. A forward sent again
 * to a busy GPU ({@link BusyRetry}) runs on what is left of the one before it ({@link #resumed()}):
 * the pauses count, so that the request takes no longer than the timeout however often it is sent.
 */
final class Deadline {
  private final Vertx vertx;
  private final long endNanos;
  private final Runnable expired;
  private final long timer;

  private Deadline(Vertx vertx, long endNanos, Runnable expired) {
    this.vertx = vertx;
    this.endNanos = endNanos;
    this.expired = expired;
    // Rounded up: a timer that fires before the end would cut a forward that still had time.
    long millis = Math.max(1, (endNanos - System.nanoTime() + 999_999) / 1_000_000);
    this.timer = vertx.setTimer(millis, id -> expired.run());
  }

  static Deadline start(Vertx vertx, Duration timeout, Runnable expired) {
    return new Deadline(vertx, System.nanoTime() + timeout.toNanos(), expired);
  }

  /** The same end, running again (on the calling context) after this one was cancelled. */
  Deadline resumed() {
    return new Deadline(vertx, endNanos, expired);
  }

  /** Time left before it expires; zero once past. */
  Duration left() {
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }

  /** Idempotent. */
  void cancel() {
    vertx.cancelTimer(timer);
  }
}
