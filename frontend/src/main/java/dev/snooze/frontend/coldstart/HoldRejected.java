package dev.snooze.frontend.coldstart;

/** A held request that will not be forwarded: the answer is a 503 with Retry-After. */
public final class HoldRejected extends RuntimeException {
  private final String phase;
  private final long retryAfterSeconds;

  public HoldRejected(String message, String phase, long retryAfterSeconds) {
    super(message, null, false, false);
    this.phase = phase;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public String phase() {
    return phase;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
