package dev.snooze.functions.decision;

import java.util.List;

/**
 * What a decision asks the controller to do once its state change is committed. Compute is
 * called only after the commit, so that the transaction alone decides who acts.
 *
 * <p>Each carries one id, its {@code requestId}: the id of the claim it carries out (when the
 * decision took one) and, with the MIG's path, the requestId of its Compute calls, so that a retry
 * with the same id is applied once.
 */
public sealed interface Action {

  /** Nothing to do. */
  record None() implements Action {}

  /**
   * Put the {@code giveUp} offers to sleep (they failed: no creation may stay queued), then bring
   * {@code offer}'s MIG to at least {@code size} VMs, if it is still the one wanted ({@link Decisions#afterGiveUp}).
   */
  record Wake(String requestId, String reason, String offer, int size, List<String> giveUp) implements Action {
    public Wake {
      giveUp = List.copyOf(giveUp);
    }

    public Wake(String requestId, String reason, String offer, int size) {
      this(requestId, reason, offer, size, List.of());
    }
  }

  /**
   * Bring the awake {@code offer}'s MIG from {@code from} to {@code size} VMs: more at once, fewer
   * by a resize that the load balancer's connection draining lets finish its streams first. Then
   * confirm that the size still stands ({@link Decisions#afterScale}).
   */
  record Scale(String requestId, String reason, String offer, int from, int size) implements Action {
    public boolean out() {
      return size > from;
    }
  }

  /** Put every offer to sleep, then confirm the sleep claimed under its id ({@link Decisions#afterSleep}). */
  record Sleep(String requestId, String reason) implements Action {}

  /**
   * Put offers that should not run to sleep (a give-up that failed, or a wake that landed after
   * its offer was given up), then confirm none of them was chosen meanwhile ({@link Decisions#afterGiveUp}).
   */
  record GiveUp(String requestId, String reason, List<String> offers) implements Action {
    public GiveUp {
      offers = List.copyOf(offers);
    }
  }

  /**
   * Run the scheduled check now: activity arrived while the current offer's wake has been without
   * a VM for the capacity timeout, and Cloud Scheduler's next check may be up to a minute away.
   */
  record Check(String reason) implements Action {}

  /**
   * A wake the budget does not allow: nothing to do on Compute, but the Wake function says why, so
   * that a user whose prompt woke nothing can find the reason in the log.
   */
  record Refused(String reason, java.time.Instant resetsAt) implements Action {}

  Action NONE = new None();
}
