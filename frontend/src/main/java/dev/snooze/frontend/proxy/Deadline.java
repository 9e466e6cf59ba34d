package dev.snooze.frontend.proxy;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The request timeout of one forward, from the connection on, the stream included: unless
 * cancelled first, it runs {@code expired} on the context that started it. Silent gaps never end
 * a stream (the backend client has no idle timeout); only this total does.
 */
final class Deadline {
  private final Vertx vertx;
  private final long timer;

  private Deadline(Vertx vertx, long timer) {
    this.vertx = vertx;
    this.timer = timer;
  }

  static Deadline start(Vertx vertx, Duration timeout, Runnable expired) {
    return new Deadline(vertx, vertx.setTimer(timeout.toMillis(), id -> expired.run()));
  }

  /** Idempotent. */
  void cancel() {
    vertx.cancelTimer(timer);
  }
}
