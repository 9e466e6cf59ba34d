package dev.snooze.functions.compute;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import dev.snooze.functions.failure.TransientFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the Compute client throws into the functions' two kinds of failure
 * ({@link dev.snooze.functions.failure}). Transient: a status {@link TransientFailure#isTransient}
 * (quota, 5xx, deadlines), an operation not done within the bound, an interrupt, Compute out of
 * reach. Permanent: anything a retry cannot fix (the MIG missing, no permission, bad input); its
 * message says what to change.
 */
final class ComputeFailures {
  private ComputeFailures() {}

  /**
   * The exception to throw for {@code failure}, raised while doing {@code action} (e.g. "resize
   * to 1") on the MIG at {@code location}.
   */
  static RuntimeException classify(Throwable failure, String action, MigLocation location, Duration bound) {
    Throwable f = unwrap(failure);
    String mig = "MIG " + location.path();
    // Before the status code: the transport reports an interrupted call as CANCELLED.
    if (hasCause(f, InterruptedException.class)) {
      Thread.currentThread().interrupt();
      return new TransientComputeException(action + " on " + mig + " interrupted", f);
    }
    if (f instanceof ApiException api) {
      StatusCode.Code code = api.getStatusCode().getCode();
      String detail = api.getMessage();
      if (TransientFailure.isTransient(code.name())) {
        return new TransientComputeException(
            action + " on " + mig + " failed with " + code + ", retry later: " + detail, api);
      }
      String message = switch (code) {
        case NOT_FOUND -> mig + " not found: check " + location.settingNames() + " (" + detail + ")";
        case PERMISSION_DENIED -> "Not allowed to " + action + " on " + mig
            + ": grant the function's service account roles/compute.instanceAdmin.v1 on project "
            + location.project() + " (" + detail + ")";
        case UNAUTHENTICATED -> "Compute Engine rejected the credentials for " + action + " on " + mig
            + ": check the function's service account or Application Default Credentials (" + detail + ")";
        default -> "Compute Engine refused to " + action + " on " + mig + " (" + code + "): " + detail;
      };
      return new PermanentComputeException(code.name(), message, api);
    }
    if (f instanceof TimeoutException || f instanceof CancellationException) {
      // CancellationException: the polling algorithm's own total timeout ran out.
      return new TransientComputeException(
          action + " on " + mig + " not done within " + bound.toSeconds() + " s; the MIG may still apply it", f);
    }
    if (hasCause(f, IOException.class)) {
      return new TransientComputeException(action + " on " + mig + " failed to reach Compute Engine: " + f, f);
    }
    if (f instanceof TransientComputeException || f instanceof PermanentComputeException) {
      return (RuntimeException) f;
    }
    // Anything else is a bug here, not an answer from Compute: let it surface as it is.
    return f instanceof RuntimeException r ? r : new IllegalStateException(action + " on " + mig, f);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException
        || t instanceof java.lang.reflect.UndeclaredThrowableException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
