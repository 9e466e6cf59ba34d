package dev.snooze.functions.compute;

/** Compute failed in a way that a later retry may fix: 429, 5xx, an operation not done in time. */
public final class TransientComputeException extends RuntimeException {
  public TransientComputeException(String message, Throwable cause) {
    super(message, cause);
  }
}
