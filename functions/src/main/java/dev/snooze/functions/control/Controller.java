package dev.snooze.functions.control;

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
import java.util.function.Supplier;

/**
 * Carries out the decisions: each entry point asks the state store to run a decision in a
 * transaction, then acts on Compute only after the commit. Compute's refusals are recorded in the
 * state for Status; every other failure propagates to the entry point, which answers it as its
 * kind says ({@link dev.snooze.functions.failure}).
 */
public final class Controller {
  private static final JsonLog LOG = JsonLog.forComponent("controller");

  private final Policy policy;
  private final SleepMode mode;
  private final StateStore store;
  private final Mig mig;
  private final Clock clock;
  private final Supplier<String> ids;
  private final JsonLog log;

  public Controller(Policy policy, SleepMode mode, StateStore store, Mig mig, Clock clock,
      Supplier<String> ids, String migName) {
    this.policy = policy;
    this.mode = mode;
    this.store = store;
    this.mig = mig;
    this.clock = clock;
    this.ids = ids;
    this.log = LOG.with("mig", migName, "sleepMode", mode.name());
  }

  /** An activity message arrived: record it, and wake the MIG if this message claims the wake. */
  public Action onActivity(Activity activity) {
    Instant now = clock.instant();
    String requestId = ids.get();
    Action action = store.update(s -> Decisions.onActivity(s, activity, policy, now, requestId));
    act(action);
    return action;
  }

  /** The scheduled check: sleep when idle, reconcile otherwise. */
  public Action tick() {
    MigView view;
    try {
      view = mig.observe();
    } catch (PermanentComputeException e) {
      // E.g. the MIG was deleted or the role lost: Status must say so, not just the tick fail.
      recordPermanent(e);
      throw e;
    }
    Instant now = clock.instant();
    String requestId = ids.get();
    Action action = store.update(s -> Decisions.onTick(s, view, policy, now, requestId));
    act(action);
    return action;
  }

  /** The state and the MIG now, for Status. */
  public StatusView status() {
    SnoozeState state = store.read();
    return StatusView.of(state, mig.observe(), policy, clock.instant());
  }

  private void act(Action action) {
    if (action instanceof Action.Wake wake) {
      wake(wake);
    } else if (action instanceof Action.Sleep sleep) {
      sleep(sleep);
    }
  }

  private void wake(Action.Wake wake) {
    log.info("waking the GPU MIG: " + wake.reason(),
        "event", "wake", "reason", wake.reason(), "requestId", wake.requestId(),
        "desiredSize", policy.desiredSize());
    MigView.MigError error;
    try {
      error = mig.wake(policy.desiredSize(), mode, wake.requestId());
    } catch (PermanentComputeException e) {
      recordPermanent(e);
      return;
    }
    if (error != null) {
      log.warning(error.stockout()
              ? "no GPU capacity in the zone: the MIG keeps trying"
              : "the wake operation ended with an error: the MIG keeps trying",
          "event", "wake-error", "code", error.code(), "error", error.message());
      store.update(s -> Decisions.onWakeError(s, error));
    }
  }

  private void sleep(Action.Sleep sleep) {
    log.info("putting the GPU MIG to sleep: " + sleep.reason(),
        "event", "sleep", "reason", sleep.reason(), "requestId", sleep.requestId());
    try {
      mig.sleep(mode, sleep.requestId());
    } catch (PermanentComputeException e) {
      recordPermanent(e);
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
    Action next = store.update(s -> Decisions.afterSleep(s, sleep.requestId(), now, newRequestId));
    if (next instanceof Action.Wake wake) {
      wake(wake);
    } else {
      log.info("the GPU MIG is asleep", "event", "asleep", "requestId", sleep.requestId());
    }
  }

  private void recordPermanent(PermanentComputeException e) {
    log.error("Compute refused; not retrying: " + e.getMessage(),
        "event", "compute-error", "code", e.code(), "error", e.getMessage());
    Instant now = clock.instant();
    store.update(s -> Decisions.onPermanentError(s, e.code(), e.getMessage(), now));
  }
}
