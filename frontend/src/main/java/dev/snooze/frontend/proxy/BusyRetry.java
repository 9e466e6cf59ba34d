package dev.snooze.frontend.proxy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * "The GPU is busy": the backend answers 503 while its health check passes. That is Ollama's
 * bounded queue full ({@code {"error":"server busy, please try again.  maximum pending requests
 * exceeded"}}, or OpenAI's error shape on {@code /v1/}), said before the request is looked at: nothing
 * was processed, so a request whose body was sent whole can be sent again. It is held and sent
 * again after a pause, 0.5 s doubling to 5 s, for as long as the next send still falls within the
 * request timeout; meanwhile it stays in flight, so the frontend's activity reports the demand
 * that the functions add GPUs for. Past that, the last 503 is passed on as the backend said it.
 *
 * <p>Each pause is jittered down to as little as half, so that requests turned away together do
 * not all come back at the same instant to a queue with room for a few.
 */
final class BusyRetry {
  static final Duration FIRST_PAUSE = Duration.ofMillis(500);
  static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

  private final DoubleSupplier jitter;

  BusyRetry() {
    this(() -> ThreadLocalRandom.current().nextDouble());
  }

  /** @param jitter uniform in [0, 1): 0 pauses the whole backoff, towards 1 half of it */
  BusyRetry(DoubleSupplier jitter) {
    this.jitter = jitter;
  }

  /**
   * A 503 that may be a busy GPU's: the request can be sent again only when its body was sent
   * whole (and so kept); the health check then tells a busy GPU from none at all.
   */
  static boolean mayBeBusy(int status, boolean bodySentWhole) {
    return status == 503 && bodySentWhole;
  }

  /**
   * The pause before sending again, after {@code retries} sends again so far, or empty when the
   * send after it would come at or past the deadline ({@code left} from now): then the 503 is
   * the answer.
   */
  Optional<Duration> pause(int retries, Duration left) {
    long backoff = FIRST_PAUSE.toNanos() << Math.min(retries, 8); // 128 s at the shift's cap: past the longest
    long nanos = Math.round(Math.min(backoff, LONGEST_PAUSE.toNanos()) * (1 - jitter.getAsDouble() / 2));
    Duration pause = Duration.ofNanos(nanos);
    return pause.compareTo(left) < 0 ? Optional.of(pause) : Optional.empty();
  }
}
