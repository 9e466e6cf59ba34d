package dev.snooze.frontend.proxy;

import dev.snooze.frontend.coldstart.BackendReadiness;
import io.vertx.core.Future;
import java.net.ConnectException;

/**
 * "The GPU went to sleep under us": the backend was ready a moment ago and a forward finds it
 * gone, its connection refused, or the internal load balancer answering 503 while the health
 * check fails too (the readiness probe had not seen the sleep yet). Such a forward is held until
 * the GPU wakes and sent once more. Not retried: a forward that already waited for a wake or is
 * itself that second send (its failure is the backend's); and the backend's own 503 (its health
 * check passes), a busy GPU's, which is {@link BusyRetry}'s.
 */
final class SleepRetry {
  private final BackendReadiness readiness;

  SleepRetry(BackendReadiness readiness) {
    this.readiness = readiness;
  }

  static boolean retryable(Attempt attempt) {
    return !attempt.coldStart() && !attempt.retry();
  }

  /**
   * A refused connection on a retryable forward: the backend is marked not ready (so that
   * requests arriving now are held at once, and probing resumes) and the forward is to be retried.
   */
  boolean refused(Attempt attempt, Throwable cause) {
    if (!(cause instanceof ConnectException) || !retryable(attempt)) {
      return false;
    }
    readiness.markNotReady("forward refused: " + cause.getMessage());
    return true;
  }

  /**
   * A 503 that may be the load balancer's, on a retryable forward whose body was sent whole (so
   * it can be sent again): {@link #asleep()} tells.
   */
  boolean mayBeAsleep(Attempt attempt, int status, boolean bodySentWhole) {
    return status == 503 && bodySentWhole && retryable(attempt);
  }

  /** Probes now: true when the health check fails too (or cannot be had). */
  Future<Boolean> asleep() {
    return readiness.probeNow().map(ready -> !ready).otherwise(true);
  }
}
