package dev.snooze.functions.control;

import dev.snooze.config.GpuOffer;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.compute.Mig;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.compute.PermanentComputeException;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.compute.TransientComputeException;
import dev.snooze.functions.decision.Action;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.StateStore;
import dev.snooze.logging.JsonLog;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Carries out the decisions: each entry point asks the state store to run a decision in a
 * transaction, then acts on Compute only after the commit. Compute's refusals are recorded in the
 * state for Status; every other failure propagates to the entry point, which answers it as its
 * kind says ({@link dev.snooze.functions.failure}).
 *
 * <p>A failover is carried out in the invocation that saw the failure: the failed offer is given
 * up, then the next one woken; if that one fails at once too, the chain goes on in the same
 * invocation, at most once round the offers (a failure younger than the capacity timeout is not
 * retried).
 */
public final class Controller {
  private static final JsonLog LOG = JsonLog.forComponent("controller");

  private final Policy policy;
  private final SleepMode mode;
  private final StateStore store;
  private final Map<String, Mig> migs;
  private final Clock clock;
  private final Supplier<String> ids;
  private final JsonLog log;

  /** @param migs the MIG of each offer of {@code policy}, by MIG name */
  public Controller(Policy policy, SleepMode mode, StateStore store, Map<String, Mig> migs, Clock clock,
      Supplier<String> ids) {
    for (GpuOffer offer : policy.offers()) {
      if (!migs.containsKey(offer.mig())) {
        throw new IllegalArgumentException("no MIG given for offer " + offer);
      }
    }
    this.policy = policy;
    this.mode = mode;
    this.store = store;
    this.migs = Map.copyOf(migs);
    this.clock = clock;
    this.ids = ids;
    this.log = LOG.with("sleepMode", mode.name());
  }

  /** An activity message arrived: record it, and wake the GPU if this message claims the wake. */
  public Action onActivity(Activity activity) {
    Instant now = clock.instant();
    String requestId = ids.get();
    Action action = store.update(s -> Decisions.onActivity(s, activity, policy, now, requestId));
    if (action instanceof Action.Check check) {
      log.info("checking the offers now: " + check.reason(), "event", "check", "reason", check.reason());
      return tick();
    }
    act(action);
    return action;
  }

  /** A Cloud Billing budget notification: recorded; once its cost reaches its amount, no wake happens. */
  public void onBilling(SnoozeState.Billing notice) {
    // The state as committed comes back from the update itself: no second read to log the verdict.
    SnoozeState state = store.update(s -> {
      StateStore.Change<Action> change = Decisions.onBilling(s, notice);
      return new StateStore.Change<>(change.next(), change.next() == null ? s : change.next());
    });
    var over = Decisions.overBudget(state, policy, clock.instant());
    log.info("billing budget notice: " + notice.costAmount() + " of " + notice.budgetAmount() + " "
            + notice.currency() + (over == null ? "" : "; no wake until it resets: " + over.reason()),
        "event", "billing-notice", "budget", notice.budget(), "costAmount", notice.costAmount(),
        "budgetAmount", notice.budgetAmount(), "overBudget", over != null);
  }

  /** The scheduled check: sleep when idle, fail over, reconcile otherwise. */
  public Action tick() {
    Map<String, MigView> views;
    try {
      views = observe();
    } catch (PermanentComputeException e) {
      // E.g. a MIG was deleted or the role lost: Status must say so, not just the tick fail.
      recordPermanent(null, e);
      throw e;
    }
    Instant now = clock.instant();
    String requestId = ids.get();
    Action action = store.update(s -> Decisions.onTick(s, views, policy, now, requestId));
    act(action);
    return action;
  }

  /** The state and the shown offer's MIG now, for Status (polled often: one MIG read, not one per offer). */
  public StatusView status() {
    SnoozeState state = store.read();
    MigView mig = migs.get(StatusView.shownOffer(state, policy)).observe();
    return StatusView.of(state, mig, policy, clock.instant());
  }

  /** Every offer's MIG, in order of preference. */
  private Map<String, MigView> observe() {
    Map<String, MigView> views = new LinkedHashMap<>();
    for (GpuOffer offer : policy.offers()) {
      views.put(offer.mig(), migs.get(offer.mig()).observe());
    }
    return views;
  }

  private void act(Action action) {
    if (action instanceof Action.Wake wake) {
      wake(wake);
    } else if (action instanceof Action.Sleep sleep) {
      sleep(sleep);
    } else if (action instanceof Action.Scale scale) {
      scale(scale);
    } else if (action instanceof Action.GiveUp giveUp) {
      giveUp(giveUp.offers(), giveUp.requestId(), giveUp.reason(), null);
    } else if (action instanceof Action.Refused refused) {
      log.warning("not waking the GPU: " + refused.reason(), "event", "wake-refused", "reason", refused.reason(),
          "resetsAt", refused.resetsAt().toString());
    }
  }

  private void wake(Action.Wake wake) {
    if (!wake.giveUp().isEmpty()) {
      giveUp(wake.giveUp(), wake.requestId(), wake.reason(), wake);
      return;
    }
    log.info("waking the GPU: " + wake.reason(), "event", "wake", "offer", wake.offer(),
        "reason", wake.reason(), "requestId", wake.requestId(), "desiredSize", wake.size());
    MigView.MigError error;
    try {
      error = migs.get(wake.offer()).wake(wake.size(), mode, wake.requestId());
    } catch (PermanentComputeException e) {
      recordPermanent(wake.offer(), e);
      return;
    }
    if (error != null) {
      log.warning(error.noCapacity()
              ? wake.offer() + " has no GPU capacity (" + error.code() + ")"
                  + (policy.failover() ? "" : ": the MIG keeps trying")
              : "the wake operation on " + wake.offer() + " ended with an error: the MIG keeps trying",
          "event", "wake-error", "offer", wake.offer(), "code", error.code(), "error", error.message());
      Instant now = clock.instant();
      String requestId = ids.get();
      act(store.update(s -> Decisions.onWakeError(s, policy, wake.offer(), error, now, requestId)));
    }
  }

  /**
   * Resizes the awake offer's MIG. A lack of capacity for the VMs added is logged and shown by
   * Status, never failed over: the VMs serving go on serving, and the MIG keeps trying. A refusal
   * is logged; the VMs serving go on too. A transient failure propagates: the activity is
   * redelivered or the next check reconciles the MIG to the state's size.
   */
  private void scale(Action.Scale scale) {
    String verb = scale.out() ? "scaling out" : "scaling in";
    log.info(verb + " the GPU from " + scale.from() + " to " + scale.size() + " VMs: " + scale.reason(),
        "event", scale.out() ? "scale-out" : "scale-in", "offer", scale.offer(), "from", scale.from(),
        "to", scale.size(), "reason", scale.reason(), "requestId", scale.requestId());
    Mig mig = migs.get(scale.offer());
    try {
      if (scale.out()) {
        MigView.MigError error = mig.wake(scale.size(), mode, scale.requestId());
        if (error != null) {
          log.warning(scale.offer() + " cannot add VMs now (" + error.code() + "): the VMs serving go on, and the"
                  + " MIG keeps trying", "event", "scale-out-error", "offer", scale.offer(), "code", error.code(),
              "error", error.message());
        }
      } else {
        mig.scaleIn(scale.size(), scale.requestId());
      }
    } catch (PermanentComputeException e) {
      log.error("Compute refused to resize " + scale.offer() + "; the VMs serving go on: " + e.getMessage(),
          "event", "scale-error", "offer", scale.offer(), "code", e.code(), "error", e.getMessage());
      return;
    }
    String newRequestId = ids.get();
    act(store.update(s -> Decisions.afterScale(s, policy, scale, newRequestId)));
  }

  /**
   * Puts offers that failed or should not run to sleep. A transient failure here leaves the offer
   * for the next check to give up (it sees it running while another is wanted), and the wake that
   * follows goes ahead: a user waiting for a GPU matters more than a queued creation.
   */
  private void giveUp(List<String> offers, String requestId, String reason, Action.Wake planned) {
    for (String offer : offers) {
      log.info("giving up " + offer + ": " + reason, "event", "give-up", "offer", offer,
          "reason", reason, "requestId", requestId);
      try {
        migs.get(offer).sleep(mode, requestId);
      } catch (TransientComputeException | PermanentComputeException e) {
        log.warning("could not give up " + offer + " now; the next check will: " + e.getMessage(),
            "event", "give-up-error", "offer", offer, "error", e.getMessage());
      }
    }
    String newRequestId = ids.get();
    act(store.update(s -> Decisions.afterGiveUp(s, policy, offers, planned, newRequestId)));
  }

  private void sleep(Action.Sleep sleep) {
    log.info("putting the GPU to sleep: " + sleep.reason(),
        "event", "sleep", "reason", sleep.reason(), "requestId", sleep.requestId());
    try {
      for (GpuOffer offer : policy.offers()) {
        migs.get(offer.mig()).sleep(mode, sleep.requestId());
      }
    } catch (PermanentComputeException e) {
      recordPermanent(null, e);
      return;
    } catch (TransientComputeException e) {
      // Without this the claim would hold off every retry until its lease ends (minutes of GPU).
      try {
        store.update(s -> Decisions.onSleepFailed(s, sleep.requestId()));
      } catch (RuntimeException release) {
        e.addSuppressed(release);
      }
      throw e;
    }
    Instant now = clock.instant();
    String newRequestId = ids.get();
    Action next = store.update(s -> Decisions.afterSleep(s, policy, sleep.requestId(), now, newRequestId));
    if (next instanceof Action.Wake wake) {
      wake(wake);
    } else {
      log.info("the GPU is asleep", "event", "asleep", "requestId", sleep.requestId());
    }
  }

  /** @param offer the offer whose wake Compute refused, or null for anything else */
  private void recordPermanent(String offer, PermanentComputeException e) {
    log.error("Compute refused; not retrying: " + e.getMessage(),
        "event", "compute-error", "offer", offer, "code", e.code(), "error", e.getMessage());
    Instant now = clock.instant();
    String requestId = ids.get();
    act(store.update(s -> Decisions.onPermanentError(s, policy, offer, e.code(), e.getMessage(), now, requestId)));
  }
}
