package dev.snooze.functions.failure;

import java.util.Set;

/** A failure that a later retry may fix; see the package documentation for what follows from it. */
public abstract class TransientFailure extends RuntimeException {
  /**
   * The status codes, as gRPC names them, that mean "try again later", whichever service answers:
   * the Compute client maps HTTP 429 to RESOURCE_EXHAUSTED and 5xx to INTERNAL, UNAVAILABLE,
   * DEADLINE_EXCEEDED or UNKNOWN; CANCELLED is a call cut short on our side.
   */
  private static final Set<String> CODES = Set.of(
      "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED", "ABORTED", "UNKNOWN", "CANCELLED");

  protected TransientFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether a service's answer with status {@code code} (e.g. UNAVAILABLE) is worth retrying. */
  public static boolean isTransient(String code) {
    return CODES.contains(code);
  }
}
