package dev.snooze.functions.compute;

/**
 * The GPU managed instance group, as the functions act on it. Implementations await each
 * operation with a bound and classify failures: {@link TransientComputeException} (429, 5xx,
 * timeouts: retry later) or {@link PermanentComputeException} (not found, forbidden, invalid:
 * retrying will not help).
 */
public interface Mig {

  /** The MIG now: sizes, instances, the newest error. */
  MigView observe();

  /**
   * Makes {@code desiredSize} instances run: resize (DELETE mode), or start the stopped ones and
   * resize for the rest (STOP mode). Idempotent for the same {@code requestId}.
   *
   * @return a stockout or other error the operation ended with while the MIG keeps trying (null
   *     when it succeeded)
   */
  MigView.MigError wake(int desiredSize, SleepMode mode, String requestId);

  /**
   * Resize down to {@code size} running instances (either mode): the MIG deletes the ones it picks,
   * after the load balancer's connection draining has let their streams finish (stopping would not
   * drain). Nothing when it runs no more than that. Idempotent for the same {@code requestId}.
   */
  void scaleIn(int size, String requestId);

  /** Resize to 0 (DELETE mode) or stop every running instance (STOP mode). Idempotent. */
  void sleep(SleepMode mode, String requestId);
}
