package dev.snooze.functions.failure;

/**
 * A refusal that retrying will not change; see the package documentation for what follows from
 * it. Its message says what to change.
 */
public abstract class PermanentFailure extends RuntimeException {
  private final String code;

  protected PermanentFailure(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The refusal's code: the service's status (NOT_FOUND, PERMISSION_DENIED, …) or this build's own. */
  public String code() {
    return code;
  }
}
