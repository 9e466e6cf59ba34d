package dev.snooze.functions.compute;

import dev.snooze.functions.failure.TransientFailure;

/** Compute failed in a way that a later retry may fix: 429, 5xx, an operation not done in time. */
public final class TransientComputeException extends TransientFailure {
  public TransientComputeException(String message, Throwable cause) {
    super(message, cause);
  }
}
