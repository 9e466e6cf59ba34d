package dev.snooze.functions.decision;

import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.SnoozeState.Claim;
import dev.snooze.functions.state.SnoozeState.ClaimKind;
import dev.snooze.functions.state.SnoozeState.EventKind;
import dev.snooze.functions.state.SnoozeState.HistoryEvent;
import dev.snooze.functions.state.SnoozeState.LastError;
import dev.snooze.functions.state.StateStore.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Every scaling decision, as pure functions of (state, input, policy, now): no I/O, no clock,
 * no randomness (new request ids are passed in). They run inside state-store transactions, maybe
 * several times, and their {@link Action}s are carried out after the commit.
 *
 * <p>The guarantees, and where they come from:
 *
 * <ul>
 *   <li>At most one resize per wake: only the transaction that moves the phase from ASLEEP or
 *       SLEEPING to WAKING returns a {@link Action.Wake}.
 *   <li>A wake beats a sleep: a sleep is claimed only when the recorded activity is older than
 *       the idle timeout plus the write granularity, inside the same transaction that would see a
 *       newer activity; and a sleep confirms only if no wake has claimed the state since,
 *       otherwise it wakes the MIG again itself ({@link #afterSleep}).
 *   <li>lastActivity never moves back: it is the maximum of the publish times seen.
 * </ul>
 */
public final class Decisions {
  private Decisions() {}

  /** An activity message arrived. */
  public static Change<Action> onActivity(
      SnoozeState state, Activity activity, Policy policy, Instant now, String newRequestId) {
    SnoozeState next = recordActivity(state, activity, policy);
    boolean changed = next != state;
    boolean fresh = !activity.publishTime().plus(policy.sleepAfter()).isBefore(now);

    if (!state.phase().wantsGpu() && fresh) {
      String reason = "activity from " + activity.source() + " (message " + activity.messageId() + ")";
      return new Change<>(claimWake(next, now, newRequestId, activity.messageId(), reason),
          new Action.Wake(newRequestId, reason));
    }
    Claim claim = state.claim();
    if (state.phase() == Phase.WAKING && claim != null && claim.kind() == ClaimKind.WAKE
        && activity.messageId().equals(claim.messageId())) {
      // Redelivered: the message that claimed this wake failed before Compute took it. Finish
      // it with the same request id, so that Compute applies it once.
      return new Change<>(changed ? next : null,
          new Action.Wake(claim.id(), "retry of the wake claimed by message " + claim.messageId()));
    }
    return new Change<>(changed ? next : null, Action.NONE);
  }

  /** The scheduled check (Cloud Scheduler, every minute): sleep when idle, and reconcile. */
  public static Change<Action> onTick(
      SnoozeState state, MigView mig, Policy policy, Instant now, String newRequestId) {
    boolean idle = idle(state, policy, now);
    boolean busy = state.inFlight() > 0 && state.inFlightAt() != null
        && Duration.between(state.inFlightAt(), now).compareTo(policy.heartbeatTtl()) < 0;
    boolean claimAbandoned = state.claim() == null
        || !Duration.between(state.claim().at(), now).minus(policy.claimLease()).isNegative();

    switch (state.phase()) {
      case ASLEEP -> {
        if (!idle) {
          // Activity inside the window yet asleep: a wake was lost somewhere. Wake now.
          String reason = "reconcile: asleep with activity " + ago(state.lastActivity(), now) + " ago";
          return new Change<>(claimWake(state, now, newRequestId, null, reason),
              new Action.Wake(newRequestId, reason));
        }
        if (mig.active() > 0 && !busy) {
          return claimSleep(state, now, newRequestId, "reconcile: " + mig.active()
              + " instance(s) running while asleep");
        }
        return new Change<>(null, Action.NONE);
      }
      case SLEEPING -> {
        if (!claimAbandoned) {
          return new Change<>(null, Action.NONE);
        }
        if (mig.active() == 0 && mig.targetSize() == 0) {
          return new Change<>(asleep(state, now), Action.NONE);
        }
        // The same sleep, already in the history once: a new claim, not a new event.
        return new Change<>(state.withClaim(new Claim(newRequestId, ClaimKind.SLEEP, now, null)),
            new Action.Sleep(newRequestId, "retry of an abandoned sleep"));
      }
      default -> {
        return whileWanted(state, mig, policy, now, newRequestId, idle, busy, claimAbandoned);
      }
    }
  }

  /** WAKING, AWAKE or ERROR: the GPU is wanted unless idle. */
  private static Change<Action> whileWanted(SnoozeState state, MigView mig, Policy policy,
      Instant now, String newRequestId, boolean idle, boolean busy, boolean claimAbandoned) {
    if (idle && !busy) {
      return claimSleep(state, now, newRequestId, "idle for " + ago(state.lastActivity(), now)
          + " (idle timeout " + human(policy.idleTimeout()) + ")");
    }
    if (mig.serving()) {
      return state.phase() == Phase.AWAKE
          ? new Change<>(null, Action.NONE)
          : new Change<>(state.withPhase(Phase.AWAKE, now).withLastError(null), Action.NONE);
    }
    if (mig.targetSize() < policy.desiredSize() && claimAbandoned) {
      String reason = "reconcile: MIG at target size " + mig.targetSize() + " of "
          + policy.desiredSize() + " while " + state.phase();
      SnoozeState next = state.withClaim(new Claim(newRequestId, ClaimKind.WAKE, now, null));
      if (state.phase() == Phase.AWAKE) {
        next = next.withPhase(Phase.WAKING, now);
      }
      return new Change<>(next, new Action.Wake(newRequestId, reason));
    }
    LastError error = mig.lastError() == null ? null
        : new LastError(mig.lastError().code(), mig.lastError().message(), mig.lastError().at());
    if (state.phase() == Phase.WAKING
        && Duration.between(state.phaseSince(), now).compareTo(policy.wakeTimeout()) > 0) {
      LastError overdue = error != null ? error : new LastError("WAKE_TIMEOUT",
          "no healthy instance " + ago(state.phaseSince(), now) + " after the wake", now);
      return new Change<>(state.withPhase(Phase.ERROR, now).withLastError(overdue), Action.NONE);
    }
    if (error != null && !Objects.equals(error, state.lastError())) {
      return new Change<>(state.withLastError(error), Action.NONE);
    }
    return new Change<>(null, Action.NONE);
  }

  /**
   * The sleep claimed under {@code requestId} has been carried out. If nothing claimed the state
   * since, the MIG is ASLEEP. If a wake claimed it meanwhile, its resize may have reached
   * Compute before ours: wake again, under a new request id so that Compute does not take it for
   * the earlier one.
   */
  public static Change<Action> afterSleep(SnoozeState state, String requestId, Instant now, String newRequestId) {
    Claim claim = state.claim();
    if (state.phase() == Phase.SLEEPING && claim != null && claim.id().equals(requestId)) {
      return new Change<>(asleep(state, now), Action.NONE);
    }
    if (state.phase().wantsGpu()) {
      return new Change<>(null, new Action.Wake(newRequestId, "a wake arrived while going to sleep"));
    }
    return new Change<>(null, Action.NONE);
  }

  /**
   * The sleep claimed under {@code requestId} failed transiently (Compute 429/5xx) before Compute took
   * it: free the claim, so that the next check retries at once rather than after the claim lease.
   * The phase stays SLEEPING, so a wake arriving meanwhile still wins.
   */
  public static Change<Action> onSleepFailed(SnoozeState state, String requestId) {
    Claim claim = state.claim();
    if (state.phase() == Phase.SLEEPING && claim != null && claim.id().equals(requestId)) {
      return new Change<>(state.withClaim(null), Action.NONE);
    }
    return new Change<>(null, Action.NONE);
  }

  /** A wake's operation ended with an error while the MIG keeps trying (e.g. stockout). */
  public static Change<Action> onWakeError(SnoozeState state, MigView.MigError error) {
    LastError recorded = new LastError(error.code(), error.message(), error.at());
    return Objects.equals(recorded, state.lastError())
        ? new Change<>(null, Action.NONE)
        : new Change<>(state.withLastError(recorded), Action.NONE);
  }

  /** Compute refused for good (MIG missing, no permission): show it; retrying will not help. */
  public static Change<Action> onPermanentError(SnoozeState state, String code, String message, Instant now) {
    return new Change<>(state.withPhase(Phase.ERROR, now).withLastError(new LastError(code, message, now)),
        Action.NONE);
  }

  /** Idle: nothing recorded within the idle timeout plus the write granularity. */
  static boolean idle(SnoozeState state, Policy policy, Instant now) {
    return state.lastActivity() == null
        || Duration.between(state.lastActivity(), now).compareTo(policy.sleepAfter()) >= 0;
  }

  /** Merges the activity in, or returns {@code state} itself when the change is not worth a write. */
  private static SnoozeState recordActivity(SnoozeState state, Activity activity, Policy policy) {
    SnoozeState next = state;
    Instant last = state.lastActivity();
    if (last == null || !activity.publishTime().isBefore(last.plus(policy.granularity()))) {
      next = next.withActivity(activity.publishTime(), activity.source());
    }
    Integer inFlight = activity.inFlight();
    Instant inFlightAt = state.inFlightAt();
    if (inFlight != null && (inFlightAt == null
        || activity.publishTime().isAfter(inFlightAt)
            && (inFlight != state.inFlight()
                || !activity.publishTime().isBefore(inFlightAt.plus(policy.granularity()))))) {
      next = next.withInFlight(inFlight, activity.publishTime());
    }
    return next;
  }

  private static SnoozeState claimWake(SnoozeState state, Instant now, String requestId, String messageId, String reason) {
    return state.withPhase(Phase.WAKING, now)
        .withClaim(new Claim(requestId, ClaimKind.WAKE, now, messageId))
        .withLastError(null)
        .withEvent(new HistoryEvent(EventKind.WAKE, now, reason));
  }

  private static Change<Action> claimSleep(SnoozeState state, Instant now, String requestId, String reason) {
    SnoozeState next = state.withPhase(Phase.SLEEPING, now)
        .withClaim(new Claim(requestId, ClaimKind.SLEEP, now, null))
        .withEvent(new HistoryEvent(EventKind.SLEEP, now, reason));
    return new Change<>(next, new Action.Sleep(requestId, reason));
  }

  private static SnoozeState asleep(SnoozeState state, Instant now) {
    return state.withPhase(Phase.ASLEEP, now).withClaim(null).withInFlight(0, state.inFlightAt());
  }

  private static String ago(Instant then, Instant now) {
    return then == null ? "never" : human(Duration.between(then, now));
  }

  /** {@code 2m10s}: the form of the reasons in logs and Status. */
  private static String human(Duration duration) {
    return duration.withNanos(0).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }
}
