package dev.snooze.functions.compute;

/** Compute refused in a way that retrying will not change: the MIG missing, no permission, bad input. */
public final class PermanentComputeException extends RuntimeException {
  private final String code;

  public PermanentComputeException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The API's status or error code, e.g. NOT_FOUND or PERMISSION_DENIED. */
  public String code() {
    return code;
  }
}
