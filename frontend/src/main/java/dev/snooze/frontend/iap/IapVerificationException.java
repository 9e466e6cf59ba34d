package dev.snooze.frontend.iap;

/**
 * An IAP assertion was missing or did not verify. The message is a short reason that never
 * contains the token; {@link #reason()} classifies it.
 */
public final class IapVerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why an assertion was refused. */
  public enum Reason {
    /** No assertion at all. */
    MISSING,
    /** Not a compact JWS, bad base64/JSON, missing or ill-typed claims. */
    MALFORMED,
    /** {@code alg} other than ES256 ({@code none} included). */
    UNSUPPORTED_ALGORITHM,
    EXPIRED,
    /** Issued in the future, or {@code nbf} not reached. */
    NOT_YET_VALID,
    WRONG_AUDIENCE,
    WRONG_ISSUER,
    /** No published IAP key has the token's {@code kid}. */
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    /** The public keys could not be fetched: not the client's fault. */
    KEYS_UNAVAILABLE
  }

  private final Reason reason;

  public IapVerificationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public IapVerificationException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
