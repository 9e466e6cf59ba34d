package dev.snooze.functions.decision;

/**
 * What a decision asks the controller to do once its state change is committed. Compute is
 * called only after the commit, so that the transaction alone decides who acts.
 */
public sealed interface Action {

  /** Nothing to do. */
  record None() implements Action {}

  /**
   * Bring the MIG to its desired size.
   *
   * @param requestId Compute's requestId: a retry with the same id is applied once
   */
  record Wake(String requestId, String reason) implements Action {}

  /**
   * Put the MIG to sleep, then confirm with {@link Decisions#afterSleep}.
   *
   * @param claimId the sleep claim to confirm; also Compute's requestId
   */
  record Sleep(String claimId, String reason) implements Action {}

  Action NONE = new None();
}
