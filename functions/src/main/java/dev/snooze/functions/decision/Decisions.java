package dev.snooze.functions.decision;

import dev.snooze.activity.ActivityMessage.Kind;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.boot.BootEstimate;
import dev.snooze.functions.budget.Spend;
import dev.snooze.functions.boot.BootTimeline;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.scale.Demand;
import dev.snooze.functions.schedule.WarmWindow;
import dev.snooze.functions.state.BootSample;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.Ledger;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.SnoozeState.Billing;
import dev.snooze.functions.state.SnoozeState.Claim;
import dev.snooze.functions.state.SnoozeState.ClaimKind;
import dev.snooze.functions.state.SnoozeState.EventKind;
import dev.snooze.functions.state.SnoozeState.HistoryEvent;
import dev.snooze.functions.state.SnoozeState.LastError;
import dev.snooze.functions.state.SnoozeState.OfferRecord;
import dev.snooze.functions.state.StateStore.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

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
 *   <li>One offer at a time: the state names the one offer wanted ({@code offer}); a failover
 *       moves it on in the same transaction that sees the failure of the current one, gives the
 *       failed one up before waking the next, and confirms afterwards that what it gave up was not
 *       chosen again meanwhile ({@link #afterGiveUp}). Any other offer found running is given up
 *       by the next check.
 *   <li>Never none while offers remain: an offer is skipped only while its failure in this wake is
 *       younger than the capacity timeout; when every offer has failed, the last keeps trying (the
 *       MIG retries it, as Compute does for a single offer) and the state says ERROR with each
 *       offer's reason, until the oldest failure ages and the next check tries that offer again.
 *   <li>Out at once, in slowly, never mid-stream: while WAKING or AWAKE, the VMs the fresh reports'
 *       requests in flight need ({@link Demand#wanted}) are asked for as soon as a report or check
 *       sees them; a VM is removed only by a check, once fewer VMs have been needed for the whole
 *       scale-in delay ({@link Demand#keep}), and only by a resize, which the load balancer's
 *       connection draining lets finish the streams on the VM it removes. Each size change is
 *       taken in the transaction that sees its cause, so concurrent reports resize once; a resize
 *       that lands after a newer one, a sleep or a failover is put right by {@link #afterScale}.
 * </ul>
 */
public final class Decisions {
  /** The code of the error that names every offer's failure. */
  public static final String NO_OFFER = "NO_GPU_OFFER_AVAILABLE";
  /** The code recorded for an offer with no VM within the capacity timeout. */
  public static final String CAPACITY_TIMEOUT = "CAPACITY_TIMEOUT";
  /** The code recorded for a spot offer whose VM was taken back. */
  public static final String PREEMPTED = "PREEMPTED";

  private Decisions() {}

  /** An activity message arrived. */
  public static Change<Action> onActivity(
      SnoozeState state, Activity activity, Policy policy, Instant now, String newRequestId) {
    if (activity.kind() == Kind.INTENT && state.phase().wantsGpu()) {
      // A page opened on an awake GPU: its prompts will keep the GPU awake; the open tab must not.
      return new Change<>(null, Action.NONE);
    }
    SnoozeState next = recordActivity(state, activity, policy, now);
    boolean changed = next != state;
    boolean fresh = !activity.publishTime().plus(policy.sleepAfter()).isBefore(now);

    if (!state.phase().wantsGpu() && fresh) {
      Spend.Exhausted over = overBudget(state, policy, now);
      if (over != null) {
        return refuse(state, next, over);
      }
      String reason = (activity.kind() == Kind.INTENT ? "intent (a page opened) from " : "activity from ")
          + activity.source() + " (message " + activity.messageId() + ")";
      return claimWake(next, policy, now, newRequestId, activity.messageId(), reason);
    }
    Claim claim = state.claim();
    if (state.phase() == Phase.WAKING && claim != null && claim.kind() == ClaimKind.WAKE
        && activity.messageId().equals(claim.messageId())) {
      // Redelivered: the message that claimed this wake failed before Compute took it. Finish
      // it with the same request id, so that Compute applies it once.
      return new Change<>(changed ? next : null, new Action.Wake(claim.id(),
          "retry of the wake claimed by message " + claim.messageId(), current(state, policy).mig(), size(state, policy)));
    }
    if (policy.failover() && (state.phase() == Phase.WAKING || state.phase() == Phase.ERROR)
        && state.offerSince() != null
        && Duration.between(state.offerSince(), now).compareTo(policy.capacityTimeout()) >= 0) {
      // The users waiting publish heartbeats: one of them checks, rather than the next minute's tick.
      return new Change<>(changed ? next : null, new Action.Check(current(state, policy).mig()
          + " has been waking for the capacity timeout of " + human(policy.capacityTimeout())));
    }
    if (scalable(next, policy, now)) {
      SnoozeState demanded = demanded(next, policy, now);
      Change<Action> out = scaleOut(demanded, policy, now, newRequestId);
      if (out != null) {
        return out;
      }
      next = demanded;
      changed = next != state;
    }
    return new Change<>(changed ? next : null, Action.NONE);
  }

  /**
   * A Cloud Billing budget notification arrived: the newest one is kept (an older one redelivered
   * late, or the same one again, changes nothing). Whether it stops wakes is {@link #overBudget}'s.
   */
  public static Change<Action> onBilling(SnoozeState state, Billing notice) {
    Billing known = state.billing();
    if (known != null && !notice.at().isAfter(known.at())) {
      return new Change<>(null, Action.NONE);
    }
    return new Change<>(state.withBilling(notice), Action.NONE);
  }

  /**
   * The scheduled check (Cloud Scheduler, every minute): sleep when idle, fail over, and reconcile.
   *
   * @param views each offer's MIG now, by MIG name
   */
  public static Change<Action> onTick(
      SnoozeState state, Map<String, MigView> views, Policy policy, Instant now, String newRequestId) {
    boolean idle = idle(state, policy, now);
    boolean busy = state.inFlight(now, policy.heartbeatTtl()) > 0;
    boolean claimAbandoned = state.claim() == null
        || !Duration.between(state.claim().at(), now).minus(policy.claimLease()).isNegative();

    switch (state.phase()) {
      case ASLEEP -> {
        if (overBudget(state, policy, now) != null) {
          // Neither a warm window nor a lost wake beats the budget; running strays are still slept below.
          long active = views.values().stream().mapToLong(MigView::active).sum();
          return active > 0 && !busy
              ? claimSleep(state, policy, now, newRequestId, "reconcile: " + active + " instance(s) running while asleep")
              : new Change<>(null, Action.NONE);
        }
        WarmWindow.Span warm = warm(state, policy, now);
        if (warm != null) {
          return claimWake(state, policy, now, newRequestId, null, "warm window " + warm.window() + " from "
              + warm.from() + " to " + warm.to());
        }
        if (!idle) {
          // Activity inside the window yet asleep: a wake was lost somewhere. Wake now.
          String reason = "reconcile: asleep with activity " + ago(state.lastActivity(), now) + " ago";
          return claimWake(state, policy, now, newRequestId, null, reason);
        }
        long active = views.values().stream().mapToLong(MigView::active).sum();
        if (active > 0 && !busy) {
          return claimSleep(state, policy, now, newRequestId, "reconcile: " + active
              + " instance(s) running while asleep");
        }
        return new Change<>(null, Action.NONE);
      }
      case SLEEPING -> {
        if (!claimAbandoned) {
          return new Change<>(null, Action.NONE);
        }
        if (views.values().stream().allMatch(v -> v.active() == 0 && v.targetSize() == 0)) {
          return new Change<>(asleep(state, now), Action.NONE);
        }
        // The same sleep, already in the history once: a new claim, not a new event.
        return new Change<>(state.withClaim(new Claim(newRequestId, ClaimKind.SLEEP, now, null)),
            new Action.Sleep(newRequestId, "retry of an abandoned sleep"));
      }
      default -> {
        Spend.Exhausted over = overBudget(state, policy, now);
        if (over != null) {
          Change<Action> drain = drain(state, policy, over, busy, now, newRequestId);
          if (drain != null) {
            return drain;
          }
        } else if (idle && !busy && warm(state, policy, now) == null) {
          return claimSleep(state, policy, now, newRequestId, "idle for " + ago(state.lastActivity(), now)
              + " (idle timeout " + human(policy.idleTimeout()) + ")");
        }
        GpuOffer offer = current(state, policy);
        SnoozeState base = state; // with today's demand remembered, when the GPU may scale
        if (scalable(state, policy, now)) {
          base = demanded(state, policy, now);
          Change<Action> scaled = scaleOut(base, policy, now, newRequestId);
          if (scaled == null && state.phase() == Phase.AWAKE) {
            scaled = scaleIn(base, policy, now, newRequestId);
          }
          if (scaled != null) {
            return withStrays(scaled, state, offer, views, now, newRequestId);
          }
        }
        Change<Action> decided = whileWanted(base, offer, views.get(offer.mig()), policy, now, newRequestId, claimAbandoned);
        if (decided.next() == null && base != state) {
          decided = new Change<>(base, decided.result());
        }
        return withStrays(decided, state, offer, views, now, newRequestId);
      }
    }
  }

  /** WAKING, AWAKE or ERROR, and not idle: the current offer serves, or fails over, or is reconciled. */
  private static Change<Action> whileWanted(SnoozeState state, GpuOffer offer, MigView mig, Policy policy,
      Instant now, String newRequestId, boolean claimAbandoned) {
    if (mig.serving()) {
      if (state.phase() == Phase.AWAKE) {
        return reconcileSize(state, offer, mig, policy, newRequestId);
      }
      SnoozeState next = state.withPhase(Phase.AWAKE, now).withLastError(null);
      BootSample sample = bootSample(mig, state, policy, now);
      if (sample != null) {
        next = next.withOfferRecord(next.offerRecord(offer.mig()).withBoot(sample));
      }
      return new Change<>(next, Action.NONE);
    }
    if (policy.failover()) {
      Instant since = state.offerWakeBegan();
      MigView.MigError why = null;
      if (state.phase() == Phase.AWAKE && offer.spot()
          && mig.instances().stream().noneMatch(i -> "RUNNING".equals(i.status()))) {
        why = new MigView.MigError(PREEMPTED, "the spot VM of " + offer.mig() + " was preempted", now);
      } else if (state.phase() != Phase.AWAKE) {
        why = mig.noCapacitySince(since);
        if (why == null && !mig.hasVm() && Duration.between(since, now).compareTo(policy.capacityTimeout()) >= 0) {
          why = new MigView.MigError(CAPACITY_TIMEOUT, "no VM within the capacity timeout of "
              + human(policy.capacityTimeout()), now);
        }
      }
      if (why != null) {
        return failover(state, policy, offer, why, now, newRequestId);
      }
    }
    int size = size(state, policy);
    if (mig.targetSize() < size && claimAbandoned) {
      String reason = "reconcile: MIG " + offer.mig() + " at target size " + mig.targetSize() + " of "
          + size + " while " + state.phase();
      SnoozeState next = state.withClaim(new Claim(newRequestId, ClaimKind.WAKE, now, null));
      if (state.phase() == Phase.AWAKE && !mig.serving()) {
        next = next.withPhase(Phase.WAKING, now);
      }
      return new Change<>(next, new Action.Wake(newRequestId, reason, offer.mig(), size));
    }

    LastError error = mig.lastError() == null ? null
        : new LastError(mig.lastError().code(), mig.lastError().message(), mig.lastError().at());
    if (state.phase() == Phase.ERROR && state.lastError() != null && NO_OFFER.equals(state.lastError().code())) {
      error = null; // every offer's reason stays on show until one serves
    }
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
   * An awake, serving GPU whose MIG aims for another size than the state's: a resize that failed
   * transiently, or landed before one it had overtaken. Resized again (no claim: a resize to the
   * same size twice is harmless).
   */
  private static Change<Action> reconcileSize(SnoozeState state, GpuOffer offer, MigView mig, Policy policy,
      String newRequestId) {
    int size = size(state, policy);
    if (mig.targetSize() == size || (mig.targetSize() > size && !policy.scales())) {
      return new Change<>(null, Action.NONE);
    }
    return new Change<>(null, new Action.Scale(newRequestId, "reconcile: MIG " + offer.mig() + " at target size "
        + mig.targetSize() + " of " + size, offer.mig(), mig.targetSize(), size));
  }

  /**
   * The current offer {@code failed}: give it up for the next one that has not failed in this wake
   * within the capacity timeout, or, when none is left, keep it trying and say ERROR with every
   * offer's reason. A failure of any other offer than the current one is news already acted on.
   */
  static Change<Action> failover(SnoozeState state, Policy policy, GpuOffer failed, MigView.MigError why,
      Instant now, String newRequestId) {
    if (!state.phase().wantsGpu() || !failed.mig().equals(current(state, policy).mig())) {
      return new Change<>(null, Action.NONE);
    }
    Instant since = state.offerWakeBegan();
    OfferRecord record = state.offerRecord(failed.mig());
    LastError failure = record.lastFailure() != null && Objects.equals(record.lastFailure().code(), why.code())
        && !record.lastFailure().at().isBefore(since)
        ? record.lastFailure() // the same failure seen again: no new write
        : new LastError(why.code(), why.message(), now);
    SnoozeState next = state.withOfferRecord(record.withFailure(failure));
    GpuOffer to = nextOffer(next, policy, failed, now);
    if (to == null) {
      LastError all = new LastError(NO_OFFER, "no GPU offer can get a VM now: " + failures(next, policy)
          + "; " + failed.mig() + " keeps trying, and each other offer is tried again "
          + human(policy.capacityTimeout()) + " after it failed", now);
      if (state.lastError() != null && Objects.equals(state.lastError().message(), all.message())) {
        all = state.lastError();
      }
      next = next.withLastError(all);
      if (state.phase() != Phase.ERROR) {
        next = next.withPhase(Phase.ERROR, now);
      }
      return new Change<>(next.equals(state) ? null : next, Action.NONE);
    }
    String reason = failed.mig() + " " + why.code() + " (" + why.message() + "): waking " + to.mig();
    // A preempted VM ran until now; an offer given up because it could get no VM cost nothing.
    // (The last offer left keeps trying, and stays charged.)
    Ledger ledger = PREEMPTED.equals(why.code())
        ? state.ledger().closed(failed.mig(), now, policy.budget().zone())
        : state.ledger().discarded(failed.mig());
    int size = size(state, policy);
    next = next.withOffer(to.mig(), now)
        .withLedger(ledger.opened(to.mig(), now, size))
        .withClaim(new Claim(newRequestId, ClaimKind.WAKE, now, null))
        .withEvent(new HistoryEvent(EventKind.FAILOVER, now, reason));
    if (state.phase() == Phase.AWAKE) {
      next = next.withPhase(Phase.WAKING, now);
    }
    if (next.phase() != Phase.ERROR) {
      next = next.withLastError(failure);
    }
    return new Change<>(next, new Action.Wake(newRequestId, reason, to.mig(), size, List.of(failed.mig())));
  }

  /**
   * The offers named in {@code gaveUp} have been put to sleep. If one of them is the offer wanted
   * now (a failover came back to it meanwhile), wake it again under a new id; else carry out
   * {@code planned}, the wake that followed the give-up, if its offer is still the one wanted.
   */
  public static Change<Action> afterGiveUp(SnoozeState state, Policy policy, List<String> gaveUp,
      Action.Wake planned, String newRequestId) {
    if (!state.phase().wantsGpu()) {
      return new Change<>(null, Action.NONE);
    }
    String wanted = current(state, policy).mig();
    if (gaveUp.contains(wanted)) {
      return new Change<>(null, new Action.Wake(newRequestId, wanted + " was chosen again while being given up", wanted,
          size(state, policy)));
    }
    if (planned != null && planned.offer().equals(wanted)) {
      return new Change<>(null, new Action.Wake(planned.requestId(), planned.reason(), planned.offer(),
          size(state, policy)));
    }
    return new Change<>(null, Action.NONE);
  }

  /**
   * The sleep claimed under {@code requestId} has been carried out. If nothing claimed the state
   * since, the GPU is ASLEEP. If a wake claimed it meanwhile, its resize may have reached
   * Compute before ours: wake again, under a new request id so that Compute does not take it for
   * the earlier one.
   */
  public static Change<Action> afterSleep(SnoozeState state, Policy policy, String requestId, Instant now,
      String newRequestId) {
    Claim claim = state.claim();
    if (state.phase() == Phase.SLEEPING && claim != null && claim.id().equals(requestId)) {
      return new Change<>(asleep(state, now), Action.NONE);
    }
    if (state.phase().wantsGpu()) {
      return new Change<>(null, new Action.Wake(newRequestId, "a wake arrived while going to sleep",
          current(state, policy).mig(), size(state, policy)));
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

  /**
   * A wake's operation on {@code offer} ended with an error while its MIG keeps trying (e.g. a
   * stockout). With another offer to go to, a lack of capacity fails the offer over; otherwise
   * the error is shown.
   */
  public static Change<Action> onWakeError(SnoozeState state, Policy policy, String offer, MigView.MigError error,
      Instant now, String newRequestId) {
    if (policy.failover() && error.noCapacity()) {
      return failover(state, policy, policy.offer(offer), error, now, newRequestId);
    }
    LastError recorded = new LastError(error.code(), error.message(), error.at());
    return Objects.equals(recorded, state.lastError())
        ? new Change<>(null, Action.NONE)
        : new Change<>(state.withLastError(recorded), Action.NONE);
  }

  /**
   * Compute refused for good (MIG missing, no permission): show it; retrying will not help. When
   * {@code offer}, the one being woken, has another to fail over to, that one is woken instead.
   */
  public static Change<Action> onPermanentError(SnoozeState state, Policy policy, String offer, String code,
      String message, Instant now, String newRequestId) {
    if (offer != null && policy.failover() && state.phase().wantsGpu()) {
      return failover(state, policy, policy.offer(offer), new MigView.MigError(code, message, now), now, newRequestId);
    }
    SnoozeState next = state.withPhase(Phase.ERROR, now).withLastError(new LastError(code, message, now));
    if (!state.phase().wantsGpu()) {
      // ERROR wants the GPU (the checks reconcile the MIG to its size), and a failed sleep leaves it running:
      // charged from now, like a wake.
      next = next.withSize(policy.desiredSize())
          .withLedger(state.ledger().opened(current(state, policy).mig(), now, policy.desiredSize()));
    }
    return new Change<>(next, Action.NONE);
  }

  /**
   * The stage times of the wake that has just become ready, to learn the next wakes' ETA from; null
   * when its VM did not report them all for this wake (no stages, or some left from an earlier boot).
   */
  private static BootSample bootSample(MigView mig, SnoozeState state, Policy policy, Instant now) {
    Instant since = state.offerWakeBegan();
    BootTimeline timeline = BootTimeline.of(mig, since);
    if (!timeline.ready() || !timeline.reported()) {
      return null;
    }
    return new BootSample(policy.sleepMode().name(), now, timeline.finished());
  }

  /**
   * The warm window that wants the GPU awake now: one under way, or one that starts within a wake
   * (as learned for the preferred offer, else the configured guess) and a check interval, so that
   * the GPU is ready at its start. Null when none does.
   */
  static WarmWindow.Span warm(SnoozeState state, Policy policy, Instant now) {
    if (policy.windows().isEmpty()) {
      return null;
    }
    Duration wake = BootEstimate.of(state.offerRecord(policy.preferred().mig()).boots(), policy.sleepMode().name(),
        policy.expectedWake()).total();
    return policy.windows().wanting(now, wake.plus(policy.checkInterval()));
  }

  /** The offer wanted now: the state's, or the most preferred one. */
  public static GpuOffer current(SnoozeState state, Policy policy) {
    return state.offer() == null ? policy.preferred() : policy.offer(state.offer());
  }

  /** Idle: nothing recorded within the idle timeout plus the write granularity. */
  static boolean idle(SnoozeState state, Policy policy, Instant now) {
    return state.lastActivity() == null
        || Duration.between(state.lastActivity(), now).compareTo(policy.sleepAfter()) >= 0;
  }

  /**
   * The first offer after {@code failed}, going round the list, that has not failed in this wake
   * less than the capacity timeout ago: round, so that each offer gets its turn before the first
   * is tried again. Null when there is none.
   */
  private static GpuOffer nextOffer(SnoozeState state, Policy policy, GpuOffer failed, Instant now) {
    List<GpuOffer> offers = policy.offers();
    int from = offers.indexOf(failed);
    for (int k = 1; k < offers.size(); k++) {
      GpuOffer candidate = offers.get((from + k) % offers.size());
      LastError failure = state.offerRecord(candidate.mig()).lastFailure();
      boolean recent = failure != null && failure.at() != null && state.wokeAt() != null
          && !failure.at().isBefore(state.wokeAt())
          && Duration.between(failure.at(), now).compareTo(policy.capacityTimeout()) < 0;
      if (!recent) {
        return candidate;
      }
    }
    return null;
  }

  /** {@code a: CODE, b: CODE}, in order of preference, for the offers that failed in this wake. */
  private static String failures(SnoozeState state, Policy policy) {
    return policy.offers().stream()
        .map(o -> state.offerRecord(o.mig()))
        .filter(r -> r.lastFailure() != null && state.wokeAt() != null && !r.lastFailure().at().isBefore(state.wokeAt()))
        .map(r -> r.mig() + " " + r.lastFailure().code() + " (" + r.lastFailure().message() + ")")
        .collect(Collectors.joining(", "));
  }

  /**
   * Offers other than the wanted one that hold instances or a target: given up together with the
   * decided wake, or on their own.
   */
  private static Change<Action> withStrays(Change<Action> decided, SnoozeState state, GpuOffer wanted,
      Map<String, MigView> views, Instant now, String newRequestId) {
    List<String> strays = new ArrayList<>();
    views.forEach((mig, view) -> {
      if (!mig.equals(wanted.mig()) && (view.targetSize() > 0 || view.active() > 0)) {
        strays.add(mig);
      }
    });
    if (strays.isEmpty()) {
      return decided;
    }
    if (decided.result() instanceof Action.Wake wake) {
      List<String> giveUp = new ArrayList<>(wake.giveUp());
      strays.stream().filter(s -> !giveUp.contains(s) && !s.equals(wake.offer())).forEach(giveUp::add);
      return new Change<>(decided.next(), new Action.Wake(wake.requestId(), wake.reason(), wake.offer(), wake.size(), giveUp));
    }
    if (decided.result() instanceof Action.None) {
      return new Change<>(decided.next(), new Action.GiveUp(newRequestId,
          "reconcile: " + String.join(", ", strays) + " running while " + wanted.mig() + " is the offer wanted",
          strays));
    }
    return decided;
  }

  /** Merges the activity in, or returns {@code state} itself when the change is not worth a write. */
  private static SnoozeState recordActivity(SnoozeState state, Activity activity, Policy policy, Instant now) {
    SnoozeState next = state;
    Instant last = state.lastActivity();
    if (last == null || !activity.publishTime().isBefore(last.plus(policy.granularity()))) {
      next = next.withActivity(activity.publishTime(), activity.source());
    }
    Integer inFlight = activity.inFlight();
    SnoozeState.Report known = state.report(activity.source());
    if (inFlight != null && (known == null
        || activity.publishTime().isAfter(known.at())
            && (inFlight != known.inFlight()
                || !activity.publishTime().isBefore(known.at().plus(policy.granularity()))))) {
      next = next.withReport(new SnoozeState.Report(activity.source(), inFlight, activity.publishTime()));
    }
    return next;
  }

  /** Every wake from sleep begins with the most preferred offer, whatever failed last time. */
  private static Change<Action> claimWake(SnoozeState state, Policy policy, Instant now, String requestId,
      String messageId, String reason) {
    String offer = policy.preferred().mig();
    // Requests held for this wake may already need more than one VM: they get them from the start.
    int size = wanted(state, policy, now);
    SnoozeState next = state.withPhase(Phase.WAKING, now)
        .withClaim(new Claim(requestId, ClaimKind.WAKE, now, messageId))
        .withLastError(null)
        .withOffer(offer, now)
        .withWokeAt(now)
        .withSize(size)
        .withNeeded(Demand.record(List.of(), size, now, policy.granularity()))
        .withLedger(state.ledger().opened(offer, now, size))
        .withEvent(new HistoryEvent(EventKind.WAKE, now, reason));
    return new Change<>(next, new Action.Wake(requestId, reason, offer, size));
  }

  private static Change<Action> claimSleep(SnoozeState state, Policy policy, Instant now, String requestId,
      String reason) {
    SnoozeState next = state.withPhase(Phase.SLEEPING, now)
        .withClaim(new Claim(requestId, ClaimKind.SLEEP, now, null))
        .withOffer(null, now)
        .withSize(0)
        .withNeeded(List.of())
        .withLedger(state.ledger().closedAll(now, policy.budget().zone()))
        .withEvent(new HistoryEvent(EventKind.SLEEP, now, reason));
    return new Change<>(next, new Action.Sleep(requestId, reason));
  }

  /**
   * The GPU VMs asked of the offer wanted: the state's count, never below the policy's least (a
   * document from before scaling says 0).
   */
  public static int size(SnoozeState state, Policy policy) {
    return Math.max(state.size(), policy.desiredSize());
  }

  /** The VMs the fresh reports' requests in flight need now, within the policy's bounds. */
  public static int wanted(SnoozeState state, Policy policy, Instant now) {
    return Demand.wanted(state.inFlight(now, policy.heartbeatTtl()), policy.desiredSize(), policy.scaling());
  }

  /** Waking or awake, allowed to scale, and within the budget: a VM added now is worth its cost. */
  private static boolean scalable(SnoozeState state, Policy policy, Instant now) {
    return policy.scales() && (state.phase() == Phase.WAKING || state.phase() == Phase.AWAKE)
        && overBudget(state, policy, now) == null;
  }

  /** The state with today's demand remembered (the same state when that changes nothing worth a write). */
  private static SnoozeState demanded(SnoozeState state, Policy policy, Instant now) {
    List<Instant> needed = Demand.record(state.needed(), wanted(state, policy, now), now, policy.granularity());
    return needed == state.needed() ? state : state.withNeeded(needed);
  }

  /** More VMs than the offer has been asked for are needed: ask for them now. Null when they are not. */
  private static Change<Action> scaleOut(SnoozeState state, Policy policy, Instant now, String newRequestId) {
    int size = size(state, policy);
    int inFlight = state.inFlight(now, policy.heartbeatTtl());
    int wanted = Demand.wanted(inFlight, policy.desiredSize(), policy.scaling());
    if (wanted <= size) {
      return null;
    }
    String reason = inFlight + " request(s) in flight need " + wanted + " GPU VMs at "
        + policy.scaling().targetInFlight() + " per VM" + (wanted == policy.scaling().max() ? " (the most allowed)" : "")
        + "; " + size + " asked for";
    return resize(state, policy, now, newRequestId, size, wanted, reason);
  }

  /**
   * The VMs an awake GPU keeps now: those the fresh reports need, or more if more were needed
   * within the scale-in delay, at most its size.
   */
  public static int keep(SnoozeState state, Policy policy, Instant now) {
    int size = size(state, policy);
    return Math.min(size, Math.max(wanted(state, policy, now),
        Demand.keep(state.needed(), size, policy.desiredSize(), policy.scaling(), policy.granularity(), now)));
  }

  /** Fewer VMs have been needed for the whole scale-in delay: remove the ones no longer needed. Null otherwise. */
  private static Change<Action> scaleIn(SnoozeState state, Policy policy, Instant now, String newRequestId) {
    int size = size(state, policy);
    int keep = keep(state, policy, now);
    if (keep >= size) {
      return null;
    }
    String reason = "no more than " + keep + " GPU VM(s) needed for the scale-in delay of "
        + human(policy.scaling().scaleInDelay()) + " (" + state.inFlight(now, policy.heartbeatTtl())
        + " request(s) in flight now); the load balancer drains the VM(s) removed";
    return resize(state, policy, now, newRequestId, size, keep, reason);
  }

  private static Change<Action> resize(SnoozeState state, Policy policy, Instant now, String newRequestId, int from,
      int to, String reason) {
    String offer = current(state, policy).mig();
    SnoozeState next = state.withSize(to)
        .withLedger(state.ledger().resized(offer, now, to, policy.budget().zone()))
        .withEvent(new HistoryEvent(EventKind.SCALE, now, from + " → " + to + " GPU VMs: " + reason));
    return new Change<>(next, new Action.Scale(newRequestId, reason, offer, from, to));
  }

  /**
   * The resize of {@code done} has been carried out. If a sleep or a failover took the state
   * meanwhile, that resize may have landed after theirs: its offer is given up again. If a newer
   * size was decided meanwhile, that resize may have landed after this one: it is made again.
   */
  public static Change<Action> afterScale(SnoozeState state, Policy policy, Action.Scale done, String newRequestId) {
    if (!state.phase().wantsGpu() || !current(state, policy).mig().equals(done.offer())) {
      return new Change<>(null, new Action.GiveUp(newRequestId, "the GPU went to sleep or moved to another offer"
          + " while " + done.offer() + " was resized to " + done.size(), List.of(done.offer())));
    }
    int size = size(state, policy);
    if (size != done.size()) {
      return new Change<>(null, new Action.Scale(newRequestId, "a newer size of " + size + " was decided while "
          + done.offer() + " was resized to " + done.size(), done.offer(), done.size(), size));
    }
    return new Change<>(null, Action.NONE);
  }

  /** Why the budget allows no GPU now; null while it does. */
  public static Spend.Exhausted overBudget(SnoozeState state, Policy policy, Instant now) {
    if (!policy.budget().capped() && state.billing() == null) {
      return null;
    }
    return Spend.of(policy.budget(), state.ledger(), state.billing(), now).exhausted();
  }

  /**
   * Over budget while the GPU is wanted: a wake not yet serving stops at once; a serving GPU sleeps
   * once no request is in flight, or when the grace since the cap was reached is over. Null: keep
   * serving for now.
   */
  private static Change<Action> drain(SnoozeState state, Policy policy, Spend.Exhausted over, boolean busy,
      Instant now, String newRequestId) {
    if (state.phase() != Phase.AWAKE) {
      return claimSleep(state, policy, now, newRequestId, "over budget while waking: " + over.reason());
    }
    if (!busy) {
      return claimSleep(state, policy, now, newRequestId, "over budget, no request in flight: " + over.reason());
    }
    Instant graceEnds = over.reachedAt().plus(policy.budget().grace());
    if (!now.isBefore(graceEnds)) {
      return claimSleep(state, policy, now, newRequestId, "over budget, and " + state.inFlight(now, policy.heartbeatTtl())
          + " request(s) still in flight after the grace of " + human(policy.budget().grace()) + ": "
          + over.reason());
    }
    return null;
  }

  /**
   * Activity that would wake the GPU while over budget: recorded, not acted on. The refusal goes
   * into the history once (not per message), so that Status tells why the GPU stays asleep.
   */
  private static Change<Action> refuse(SnoozeState state, SnoozeState recorded, Spend.Exhausted over) {
    SnoozeState next = recorded;
    List<HistoryEvent> history = recorded.history();
    HistoryEvent newest = history.isEmpty() ? null : history.get(history.size() - 1);
    if (newest == null || newest.kind() != EventKind.REFUSED) {
      next = next.withEvent(new HistoryEvent(EventKind.REFUSED, recorded.lastActivity(), "no wake: " + over.reason()));
    }
    return new Change<>(next == state ? null : next, new Action.Refused(over.reason(), over.resetsAt()));
  }

  private static SnoozeState asleep(SnoozeState state, Instant now) {
    return state.withPhase(Phase.ASLEEP, now).withClaim(null).withNothingInFlight()
        .withOffer(null, now).withSize(0).withNeeded(List.of());
  }

  private static String ago(Instant then, Instant now) {
    return then == null ? "never" : human(Duration.between(then, now));
  }

  /** {@code 2m10s}: the form of the reasons in logs and Status. */
  private static String human(Duration duration) {
    return duration.withNanos(0).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }
}
