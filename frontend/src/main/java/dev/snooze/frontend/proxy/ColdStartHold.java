package dev.snooze.frontend.proxy;

import dev.snooze.frontend.coldstart.BackendReadiness;
import dev.snooze.frontend.coldstart.Hold;
import dev.snooze.frontend.coldstart.HoldRejected;
import dev.snooze.frontend.reply.JsonReplies;
import io.vertx.core.http.HttpServerResponse;

/**
 * The cold-start step: a request for a GPU that does not serve yet waits in the {@link Hold}
 * until it does (then it is forwarded as a cold start); one the hold turns away (wake timeout,
 * too many waiting) gets {@code 503}, {@code Retry-After} and
 * {@code {"error","phase":"WAKING","retryAfterSeconds"}}.
 */
final class ColdStartHold {
  private final BackendReadiness readiness;
  private final Hold hold;

  ColdStartHold(BackendReadiness readiness, Hold hold) {
    this.readiness = readiness;
    this.hold = hold;
  }

  /** The GPU serves: forward without holding. */
  boolean serving() {
    return readiness.isReady();
  }

  Hold.Waiter admit() {
    return hold.admit();
  }

  /** Answers a request the hold turned away ({@link HoldRejected}, or any other failure of its wait). */
  void turnAway(HttpServerResponse response, Throwable cause) {
    HoldRejected rejected = cause instanceof HoldRejected r ? r
        : new HoldRejected("the GPU is waking up", Hold.WAKING, hold.retryAfterSeconds());
    response.putHeader("Retry-After", Long.toString(rejected.retryAfterSeconds()));
    JsonReplies.send(response, 503, JsonReplies.errorBody(rejected.getMessage())
        .put("phase", rejected.phase()).put("retryAfterSeconds", rejected.retryAfterSeconds()));
  }
}
