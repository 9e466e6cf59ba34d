package dev.snooze.functions.compute;

import dev.snooze.functions.failure.PermanentFailure;

/** Compute refused in a way that retrying will not change: the MIG missing, no permission, bad input. */
public final class PermanentComputeException extends PermanentFailure {
  /** @param code the API's status or error code, e.g. NOT_FOUND or PERMISSION_DENIED */
  public PermanentComputeException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
