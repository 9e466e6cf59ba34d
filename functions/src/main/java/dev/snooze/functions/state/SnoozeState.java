package dev.snooze.functions.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The state document of one deployment: everything Wake, Sleep and Status share. Stored in
 * Firestore as {@code <collection>/<project>:<location>:<mig>} of the most preferred offer
 * (schema below, version {@link #SCHEMA_VERSION}); changed only inside transactions, so that
 * concurrent wakes and sleep ticks serialise on it.
 *
 * <pre>
 * schemaVersion  int        3 (versions 1, without the offer fields, and 2, without the ledger, are read too)
 * phase          string     ASLEEP | WAKING | AWAKE | SLEEPING | ERROR
 * phaseSince     timestamp  when the phase was entered
 * lastActivity   timestamp  publish time of the newest activity message seen (never moves back)
 * lastSource     string     who sent it (e.g. "frontend")
 * inFlight       int        requests in flight at the newest heartbeat
 * inFlightAt     timestamp  publish time of that heartbeat
 * claim          map        the wake or sleep being carried out: {id, kind: WAKE|SLEEP, at, messageId}
 * lastError      map        {code, message, at}: e.g. ZONE_RESOURCE_POOL_EXHAUSTED
 * history        array      the last {@value #HISTORY_LIMIT} wakes, failovers and sleeps: {kind, at, reason}
 * offer          string     the MIG of the offer being woken or serving; null while asleep
 * offerSince     timestamp  when that offer's wake began
 * wokeAt         timestamp  when the current wake began (failures since then are this wake's)
 * offers         array      per offer: {mig, lastFailure {code, message, at},
 *                           boots [{mode, at, seconds {stage: seconds}}]: its newest wakes' stage times}
 * ledger         map        GPU time ({@link Ledger}): {open [{mig, since, size}],
 *                           days [{date "2026-12-03", millis {mig: VM-milliseconds}}]}
 * billing        map        the newest Cloud Billing budget notification, or null: {budget, costAmount,
 *                           budgetAmount, currency, intervalStart, at}
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
    List<HistoryEvent> history,
    String offer,
    Instant offerSince,
    Instant wokeAt,
    List<OfferRecord> offers,
    Ledger ledger,
    Billing billing) {

  public static final int SCHEMA_VERSION = 3;
  public static final int HISTORY_LIMIT = 50;

  public SnoozeState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(phaseSince, "phaseSince");
    history = List.copyOf(history);
    offers = List.copyOf(offers);
    ledger = ledger == null ? Ledger.EMPTY : ledger;
  }

  /** A deployment never seen before is asleep: Terraform creates its MIGs at size 0. */
  public static SnoozeState initial() {
    return new SnoozeState(Phase.ASLEEP, Instant.EPOCH, null, null, 0, null, null, null, List.of(),
        null, null, null, List.of(), Ledger.EMPTY, null);
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

  /** REFUSED: activity that would have woken the GPU, refused by the budget (recorded once in a row). */
  public enum EventKind { WAKE, FAILOVER, SLEEP, REFUSED }

  public record HistoryEvent(EventKind kind, Instant at, String reason) {}

  /**
   * What is known of one offer across wakes (its GPU time is in the {@link Ledger}).
   *
   * @param lastFailure why it was last given up (or, for the only offer, why it waits)
   * @param boots its newest wakes' stage times, oldest first: the ETA of its next wake is learned from them
   */
  public record OfferRecord(String mig, LastError lastFailure, List<BootSample> boots) {
    public OfferRecord {
      Objects.requireNonNull(mig, "mig");
      boots = boots == null ? List.of() : List.copyOf(boots);
    }

    /** The same record with {@code failure} as its last. */
    public OfferRecord withFailure(LastError failure) {
      return new OfferRecord(mig, failure, boots);
    }

    /** The same record with {@code sample} added, the newest {@value BootSample#KEPT} kept. */
    public OfferRecord withBoot(BootSample sample) {
      List<BootSample> next = new ArrayList<>(boots);
      next.add(sample);
      if (next.size() > BootSample.KEPT) {
        next = next.subList(next.size() - BootSample.KEPT, next.size());
      }
      return new OfferRecord(mig, lastFailure, next);
    }
  }

  /**
   * The newest Cloud Billing budget notification (the optional second trigger of the budget).
   *
   * @param costAmount the cost billed so far in the budget's period, as the notification says
   * @param budgetAmount the budget's amount for that period
   * @param intervalStart when that period began ({@code costIntervalStart})
   * @param at when the notification was published
   */
  public record Billing(String budget, double costAmount, double budgetAmount, String currency,
      Instant intervalStart, Instant at) {}

  /**
   * When the wake of the offer wanted now began: {@code offerSince}, or the phase's start in a
   * state written before offers had their own.
   */
  public Instant offerWakeBegan() {
    return offerSince != null ? offerSince : phaseSince;
  }

  /** The record of {@code mig}, empty if it has none yet. */
  public OfferRecord offerRecord(String mig) {
    return offers.stream().filter(o -> o.mig().equals(mig)).findFirst()
        .orElse(new OfferRecord(mig, null, List.of()));
  }

  public SnoozeState withPhase(Phase next, Instant at) {
    return new SnoozeState(next, at, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing);
  }

  public SnoozeState withActivity(Instant at, String source) {
    return new SnoozeState(phase, phaseSince, at, source, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing);
  }

  public SnoozeState withInFlight(int count, Instant at) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, count, at, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing);
  }

  public SnoozeState withClaim(Claim next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, next, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing);
  }

  public SnoozeState withLastError(LastError error) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, error, history,
        offer, offerSince, wokeAt, offers, ledger, billing);
  }

  /** The offer being woken from {@code since} on; null (asleep) clears both. */
  public SnoozeState withOffer(String mig, Instant since) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        mig, mig == null ? null : since, wokeAt, offers, ledger, billing);
  }

  public SnoozeState withWokeAt(Instant at) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, at, offers, ledger, billing);
  }

  /** Replaces (or adds) the record of {@code record.mig()}. */
  public SnoozeState withOfferRecord(OfferRecord record) {
    List<OfferRecord> next = new ArrayList<>();
    boolean replaced = false;
    for (OfferRecord o : offers) {
      if (o.mig().equals(record.mig())) {
        next.add(record);
        replaced = true;
      } else {
        next.add(o);
      }
    }
    if (!replaced) {
      next.add(record);
    }
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, wokeAt, next, ledger, billing);
  }

  public SnoozeState withLedger(Ledger next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, wokeAt, offers, next, billing);
  }

  public SnoozeState withBilling(Billing next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, next);
  }

  /** Appends an event, keeping the newest {@value #HISTORY_LIMIT}. */
  public SnoozeState withEvent(HistoryEvent event) {
    List<HistoryEvent> next = new ArrayList<>(history);
    next.add(event);
    if (next.size() > HISTORY_LIMIT) {
      next = next.subList(next.size() - HISTORY_LIMIT, next.size());
    }
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, next,
        offer, offerSince, wokeAt, offers, ledger, billing);
  }
}
