package dev.snooze.functions.race;

import dev.snooze.activity.ActivityMessage;

/**
 * One step of a generated schedule. Picks are indexes taken modulo what is there to pick
 * from, so every schedule runs and shrinking (fewer steps, smaller numbers) keeps it meaningful.
 */
sealed interface Step {

  /** Someone publishes activity now (a script, another frontend): a request, or a heartbeat reporting requests in flight. */
  record Publish(ActivityMessage.Kind kind, int inFlight) implements Step {
    @Override
    public String toString() {
      return kind == ActivityMessage.Kind.HEARTBEAT ? "publish heartbeat inFlight=" + inFlight : "publish request";
    }
  }

  /**
   * A user's request begins at the frontend, which publishes as its Debouncer says. Whether the
   * frontend believes the backend asleep is arbitrary: its health probe lags the truth either way.
   */
  record Begin(boolean backendAsleep) implements Step {
    @Override
    public String toString() {
      return "user request begins" + (backendAsleep ? " (backend seen asleep)" : "");
    }
  }

  /** The frontend's oldest request in flight ends (the answer's last byte). */
  record End() implements Step {
    @Override
    public String toString() {
      return "user request ends";
    }
  }

  /**
   * Pub/Sub delivers an unacknowledged message to a new Wake invocation: any of them, so in any
   * order, and again while an earlier delivery still runs (its ack deadline passed).
   */
  record Deliver(int pick) implements Step {
    @Override
    public String toString() {
      return "deliver #" + pick;
    }
  }

  /** Pub/Sub delivers every unacknowledged message at once, each to its own Wake invocation: concurrent wakes. */
  record Burst() implements Step {
    @Override
    public String toString() {
      return "deliver all";
    }
  }

  /** Pub/Sub delivers an acknowledged message once more (at-least-once delivery). */
  record Duplicate(int pick) implements Step {
    @Override
    public String toString() {
      return "duplicate #" + pick;
    }
  }

  /** Cloud Scheduler calls Sleep: a new tick invocation. */
  record Tick() implements Step {
    @Override
    public String toString() {
      return "tick";
    }
  }

  /** A waiting invocation goes on to its next yield point or its end. */
  record Resume(int pick) implements Step {
    @Override
    public String toString() {
      return "resume #" + pick;
    }
  }

  /** Time passes. */
  record Advance(int seconds) implements Step {
    @Override
    public String toString() {
      return "+" + seconds + "s";
    }
  }

  /**
   * Time passes until the newest activity published is about idle: to {@code idle timeout - 15 s
   * + offset} after it, so that ticks land on both sides of both thresholds (the idle timeout,
   * and {@code sleepAfter}, the granularity later). Nothing if that is not ahead.
   */
  record Quiet(int offsetSeconds) implements Step {
    @Override
    public String toString() {
      int relative = offsetSeconds - 15;
      return "quiet until idle timeout" + (relative < 0 ? "" : "+") + relative + "s";
    }
  }

  /** The MIG's booting instances finish: RUNNING and HEALTHY. */
  record Boot() implements Step {
    @Override
    public String toString() {
      return "boot";
    }
  }

  /** An offer (picked) runs out of GPUs, or has them again. */
  record Stockout(int pick, boolean on) implements Step {
    @Override
    public String toString() {
      return "stockout #" + pick + " " + (on ? "on" : "off");
    }
  }

  /** Compute takes back the VMs of an offer (picked), if it is a spot one; its MIG recreates them. */
  record Preempt(int pick) implements Step {
    @Override
    public String toString() {
      return "preempt #" + pick;
    }
  }

  /** The next Compute call on an offer's MIG (picked) fails. */
  record ComputeFault(Kind kind, int pick) implements Step {
    enum Kind {
      /** 429 or 5xx: nothing done, {@code TransientComputeException}. */
      TRANSIENT,
      /** Done, but the operation was not awaited in time: {@code TransientComputeException} after the change. */
      APPLIED_THEN_TIMEOUT,
      /** Forbidden or not found: {@code PermanentComputeException}. */
      PERMANENT
    }

    @Override
    public String toString() {
      return "compute fault " + kind + " #" + pick;
    }
  }

  /** The next state-store call fails, as FirestoreStateStore reports UNAVAILABLE, ABORTED or a timeout. */
  record StoreFault(Kind kind) implements Step {
    enum Kind {
      /** Nothing read or written: {@code StoreUnavailableException}. */
      UNAVAILABLE,
      /** The commit landed, the caller timed out: {@code StoreUnavailableException} after the write. */
      COMMITTED_THEN_UNAVAILABLE
    }

    @Override
    public String toString() {
      return "store fault " + kind;
    }
  }

  /** Another writer rewrites the state document now: every decision waiting to write must decide again. */
  record Conflict() implements Step {
    @Override
    public String toString() {
      return "conflicting write";
    }
  }
}
