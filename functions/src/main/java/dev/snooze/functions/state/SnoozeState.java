package dev.snooze.functions.state;

import java.time.Duration;
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
 * schemaVersion  int        2 (version 1, without the offer fields, is read too)
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
 * offers         array      per offer: {mig, lastFailure {code, message, at}, gpuSeconds, servingSince,
 *                           boots [{mode, at, seconds {stage: seconds}}]: its newest wakes' stage times}
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
    List<OfferRecord> offers) {

  public static final int SCHEMA_VERSION = 2;
  public static final int HISTORY_LIMIT = 50;

  public SnoozeState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(phaseSince, "phaseSince");
    history = List.copyOf(history);
    offers = List.copyOf(offers);
  }

  /** A deployment never seen before is asleep: Terraform creates its MIGs at size 0. */
  public static SnoozeState initial() {
    return new SnoozeState(Phase.ASLEEP, Instant.EPOCH, null, null, 0, null, null, null, List.of(),
        null, null, null, List.of());
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

  public enum EventKind { WAKE, FAILOVER, SLEEP }

  public record HistoryEvent(EventKind kind, Instant at, String reason) {}

  /**
   * What is known of one offer across wakes.
   *
   * @param lastFailure why it was last given up (or, for the only offer, why it waits)
   * @param gpuSeconds seconds it served, summed over past wakes (per instance of the desired size)
   * @param servingSince when the current serving began, as first seen; null while it does not serve
   * @param boots its newest wakes' stage times, oldest first: the ETA of its next wake is learned from them
   */
  public record OfferRecord(String mig, LastError lastFailure, long gpuSeconds, Instant servingSince,
      List<BootSample> boots) {
    public OfferRecord {
      Objects.requireNonNull(mig, "mig");
      boots = boots == null ? List.of() : List.copyOf(boots);
    }

    /** A record without past wakes' stage times. */
    public OfferRecord(String mig, LastError lastFailure, long gpuSeconds, Instant servingSince) {
      this(mig, lastFailure, gpuSeconds, servingSince, List.of());
    }

    /** Serving ended at {@code now}: its time is added up. */
    public OfferRecord stopped(Instant now) {
      if (servingSince == null) {
        return this;
      }
      long served = Math.max(0, Duration.between(servingSince, now).toSeconds());
      return new OfferRecord(mig, lastFailure, gpuSeconds + served, null, boots);
    }

    /** Seconds served until {@code now}, the current serving included. */
    public long gpuSecondsAt(Instant now) {
      return servingSince == null ? gpuSeconds : gpuSeconds + Math.max(0, Duration.between(servingSince, now).toSeconds());
    }

    /** The same record with {@code sample} added, the newest {@value BootSample#KEPT} kept. */
    public OfferRecord withBoot(BootSample sample) {
      List<BootSample> next = new ArrayList<>(boots);
      next.add(sample);
      if (next.size() > BootSample.KEPT) {
        next = next.subList(next.size() - BootSample.KEPT, next.size());
      }
      return new OfferRecord(mig, lastFailure, gpuSeconds, servingSince, next);
    }
  }

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
        .orElse(new OfferRecord(mig, null, 0, null));
  }

  public SnoozeState withPhase(Phase next, Instant at) {
    return new SnoozeState(next, at, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, wokeAt, offers);
  }

  public SnoozeState withActivity(Instant at, String source) {
    return new SnoozeState(phase, phaseSince, at, source, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, wokeAt, offers);
  }

  public SnoozeState withInFlight(int count, Instant at) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, count, at, claim, lastError, history,
        offer, offerSince, wokeAt, offers);
  }

  public SnoozeState withClaim(Claim next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, next, lastError, history,
        offer, offerSince, wokeAt, offers);
  }

  public SnoozeState withLastError(LastError error) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, error, history,
        offer, offerSince, wokeAt, offers);
  }

  /** The offer being woken from {@code since} on; null (asleep) clears both. */
  public SnoozeState withOffer(String mig, Instant since) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        mig, mig == null ? null : since, wokeAt, offers);
  }

  public SnoozeState withWokeAt(Instant at) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, history,
        offer, offerSince, at, offers);
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
        offer, offerSince, wokeAt, next);
  }

  /** Appends an event, keeping the newest {@value #HISTORY_LIMIT}. */
  public SnoozeState withEvent(HistoryEvent event) {
    List<HistoryEvent> next = new ArrayList<>(history);
    next.add(event);
    if (next.size() > HISTORY_LIMIT) {
      next = next.subList(next.size() - HISTORY_LIMIT, next.size());
    }
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, inFlight, inFlightAt, claim, lastError, next,
        offer, offerSince, wokeAt, offers);
  }
}
