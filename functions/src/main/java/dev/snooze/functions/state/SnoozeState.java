package dev.snooze.functions.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The state document of one MIG: everything Wake, Sleep and Status share. Stored in Firestore as
 * {@code <collection>/<project>:<location>:<mig>} (schema below, version {@link #SCHEMA_VERSION});
 * changed only inside transactions, so that concurrent wakes and sleep ticks serialise on it.
 *
 * <pre>
 * schemaVersion  int        1
 * phase          string     ASLEEP | WAKING | AWAKE | SLEEPING | ERROR
 * phaseSince     timestamp  when the phase was entered
 * lastActivity   timestamp  publish time of the newest activity message seen (never moves back)
 * lastSource     string     who sent it (e.g. "frontend")
 * inFlight       int        requests in flight at the newest heartbeat
 * inFlightAt     timestamp  publish time of that heartbeat
 * claim          map        the wake or sleep being carried out: {id, kind: WAKE|SLEEP, at, messageId}
 * lastError      map        {code, message, at}: e.g. ZONE_RESOURCE_POOL_EXHAUSTED
 * history        array      the last {@value #HISTORY_LIMIT} wakes and sleeps: {kind, at, reason}
 * </pre>
 */
public record SnoozeState(
    Phase phase,
    Instant phaseSince,
    Instant lastActivity,
    String lastSource,
    int inFlight,
    Instant inFlightAt,
    Claim claim,
    LastError lastError,
    List<HistoryEvent> history) {

  public static final int SCHEMA_VERSION = 1;
  public static final int HISTORY_LIMIT = 50;

  public SnoozeState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(phaseSince, "phaseSince");
    history = List.copyOf(history);
  }

  /** A MIG never seen before is asleep: Terraform creates it at size 0. */
  public static SnoozeState initial() {
    return new SnoozeState(Phase.ASLEEP, Instant.EPOCH, null, null, 0, null, null, null, List.of());
  }

  public enum ClaimKind { WAKE, SLEEP }

  /**
   * The one actuation in progress. Its id is the {@code requestId} of the wake or sleep that
   * carries it out, which Compute gets too, so that a retried call is applied once; {@code messageId} lets a redelivered activity message finish the wake
   * it claimed.
   */
  public record Claim(String id, ClaimKind kind, Instant at, String messageId) {
    public Claim {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(at, "at");
    }
  }

  public record LastError(String code, String message, Instant at) {}

  public enum EventKind { WAKE, SLEEP }

  public record HistoryEvent(EventKind kind, Instant at, String reason) {}

  public SnoozeState withPhase(Phase next, Instant at) {
    return new SnoozeState(next, at, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history);
  }

  public SnoozeState withActivity(Instant at, String source) {
    return new SnoozeState(phase, phaseSince, at, source, inFlight, inFlightAt, claim, lastError, history);
  }

  public SnoozeState withInFlight(int count, Instant at) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, count, at, claim, lastError, history);
  }

  public SnoozeState withClaim(Claim next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, next, lastError, history);
  }

  public SnoozeState withLastError(LastError error) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, error, history);
  }

  /** Appends an event, keeping the newest {@value #HISTORY_LIMIT}. */
  public SnoozeState withEvent(HistoryEvent event) {
    List<HistoryEvent> next = new ArrayList<>(history);
    next.add(event);
    if (next.size() > HISTORY_LIMIT) {
      next = next.subList(next.size() - HISTORY_LIMIT, next.size());
    }
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, next);
  }
}
