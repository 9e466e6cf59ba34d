package dev.snooze.functions.decision;

/**
 * What a decision asks the controller to do once its state change is committed. Compute is
 * called only after the commit, so that the transaction alone decides who acts.
 *
 * <p>A wake or a sleep carries one id, its {@code requestId}: the id of the claim it carries out
 * (when the decision took one) and the requestId of its Compute calls, so that a retry with the
 * same id is applied once.
 */
public sealed interface Action {

  /** Nothing to do. */
  record None() implements Action {}

  /** Bring the MIG to its desired size. */
  record Wake(String requestId, String reason) implements Action {}

  /** Put the MIG to sleep, then confirm the sleep claimed under its id ({@link Decisions#afterSleep}). */
  record Sleep(String requestId, String reason) implements Action {}

  Action NONE = new None();
}
