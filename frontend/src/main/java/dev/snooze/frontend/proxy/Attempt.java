package dev.snooze.frontend.proxy;

import io.vertx.core.buffer.Buffer;

/**
 * One forward of a request: whether it waited in the hold for the GPU to wake (a cold start,
 * marked on the answer), whether it is the second forward of one that found the GPU asleep
 * ({@link SleepRetry}), and the body it sends. A forward sent again to a busy GPU
 * ({@link BusyRetry}) is the same forward once more: only its body is now the one kept.
 */
record Attempt(boolean coldStart, boolean retry, Body body) {
  static final Attempt FIRST = new Attempt(false, false, new FromClient());

  /** The body a forward sends. */
  sealed interface Body {}

  /** The client's, streamed as it arrives: none of it has been read yet. */
  record FromClient() implements Body {}

  /** The bytes an earlier forward sent whole, sent again. */
  record Again(Buffer bytes) implements Body {}

  /** This forward, after a wait in the hold. */
  Attempt held() {
    return new Attempt(true, retry, body);
  }

  /** This forward once more, after the GPU was busy, sending {@code again}. */
  Attempt again(Body again) {
    return new Attempt(coldStart, retry, again);
  }

  /** The second forward, after this one found the GPU asleep, sending {@code again}. */
  Attempt retried(Body again) {
    return new Attempt(false, true, again);
  }
}
