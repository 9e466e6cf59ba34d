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
 * schemaVersion  int        4 (versions 1, without the offer fields, 2, without the ledger, and 3, with one
 *                           inFlight/inFlightAt instead of frontends, are read too)
 * phase          string     ASLEEP | WAKING | AWAKE | SLEEPING | ERROR
 * phaseSince     timestamp  when the phase was entered
 * lastActivity   timestamp  publish time of the newest activity message seen (never moves back)
 * lastSource     string     who sent it (e.g. "frontend")
 * frontends      array      requests in flight, as each frontend last reported: {source, inFlight, at}
 *                           (the publish time of its newest report)
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
 * size           int        GPU VMs asked of the offer wanted (0 while asleep; read as the policy's
 *                           minimum from version 3 and before)
 * needed         array      timestamps: the k-th is the last time k VMs were needed (scale-in looks back
 *                           over them); empty while asleep
 * </pre>
 */
public record SnoozeState(
    Phase phase,
    Instant phaseSince,
    Instant lastActivity,
    String lastSource,
    List<Report> frontends,
    Claim claim,
    LastError lastError,
    List<HistoryEvent> history,
    String offer,
    Instant offerSince,
    Instant wokeAt,
    List<OfferRecord> offers,
    Ledger ledger,
    Billing billing,
    int size,
    List<Instant> needed) {

  public static final int SCHEMA_VERSION = 4;
  /** Frontends remembered at most: the newest reports win (a fleet's names churn as VMs are replaced). */
  public static final int FRONTENDS_KEPT = 64;
  public static final int HISTORY_LIMIT = 50;

  public SnoozeState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(phaseSince, "phaseSince");
    frontends = List.copyOf(frontends);
    history = List.copyOf(history);
    offers = List.copyOf(offers);
    needed = List.copyOf(needed);
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    ledger = ledger == null ? Ledger.EMPTY : ledger;
  }

  /** A deployment never seen before is asleep: Terraform creates its MIGs at size 0. */
  public static SnoozeState initial() {
    return new SnoozeState(Phase.ASLEEP, Instant.EPOCH, null, null, List.of(), null, null, List.of(),
        null, null, null, List.of(), Ledger.EMPTY, null, 0, List.of());
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

  /**
   * What one frontend last reported.
   *
   * @param inFlight its requests in flight (held during a wake included)
   * @param at the publish time of the report
   */
  public record Report(String source, int inFlight, Instant at) {
    public Report {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(at, "at");
      if (inFlight < 0) {
        throw new IllegalArgumentException("inFlight must not be negative: " + inFlight);
      }
    }
  }

  /**
   * REFUSED: activity that would have woken the GPU, refused by the budget (recorded once in a row).
   * SCALE: the awake GPU's VMs were added or removed by requests in flight.
   */
  public enum EventKind { WAKE, FAILOVER, SLEEP, REFUSED, SCALE }

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
    return new SnoozeState(next, at, lastActivity, lastSource, frontends, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing, size, needed);
  }

  public SnoozeState withActivity(Instant at, String source) {
    return new SnoozeState(phase, phaseSince, at, source, frontends, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing, size, needed);
  }

  /** {@code report} replaces its frontend's earlier one; the {@value #FRONTENDS_KEPT} newest are kept. */
  public SnoozeState withReport(Report report) {
    List<Report> next = new ArrayList<>(frontends.stream().filter(r -> !r.source().equals(report.source())).toList());
    next.add(report);
    next.sort(java.util.Comparator.comparing(Report::at));
    if (next.size() > FRONTENDS_KEPT) {
      next = next.subList(next.size() - FRONTENDS_KEPT, next.size());
    }
    return withFrontends(next);
  }

  /** Every frontend's report says 0 in flight, at the time it was made (so an older one delivered late stays older). */
  public SnoozeState withNothingInFlight() {
    return withFrontends(frontends.stream().map(r -> new Report(r.source(), 0, r.at())).toList());
  }

  private SnoozeState withFrontends(List<Report> next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, next, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing, size, needed);
  }

  /** The GPU VMs asked of the offer wanted. */
  public SnoozeState withSize(int next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing, next, needed);
  }

  /** When each number of VMs was last needed (the k-th entry for k VMs). */
  public SnoozeState withNeeded(List<Instant> next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing, size, next);
  }

  /** This frontend's report, or null. */
  public Report report(String source) {
    return frontends.stream().filter(r -> r.source().equals(source)).findFirst().orElse(null);
  }

  /** Requests in flight across the frontends whose report is younger than {@code ttl}. */
  public int inFlight(Instant now, Duration ttl) {
    long sum = frontends.stream()
        .filter(r -> Duration.between(r.at(), now).compareTo(ttl) < 0)
        .mapToLong(Report::inFlight)
        .sum();
    return (int) Math.min(sum, Integer.MAX_VALUE);
  }

  public SnoozeState withClaim(Claim next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, next, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, billing, size, needed);
  }

  public SnoozeState withLastError(LastError error) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, error, history,
        offer, offerSince, wokeAt, offers, ledger, billing, size, needed);
  }

  /** The offer being woken from {@code since} on; null (asleep) clears both. */
  public SnoozeState withOffer(String mig, Instant since) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, lastError, history,
        mig, mig == null ? null : since, wokeAt, offers, ledger, billing, size, needed);
  }

  public SnoozeState withWokeAt(Instant at) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, lastError, history,
        offer, offerSince, at, offers, ledger, billing, size, needed);
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
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, lastError, history,
        offer, offerSince, wokeAt, next, ledger, billing, size, needed);
  }

  public SnoozeState withLedger(Ledger next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, lastError, history,
        offer, offerSince, wokeAt, offers, next, billing, size, needed);
  }

  public SnoozeState withBilling(Billing next) {
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, lastError, history,
        offer, offerSince, wokeAt, offers, ledger, next, size, needed);
  }

  /** Appends an event, keeping the newest {@value #HISTORY_LIMIT}. */
  public SnoozeState withEvent(HistoryEvent event) {
    List<HistoryEvent> next = new ArrayList<>(history);
    next.add(event);
    if (next.size() > HISTORY_LIMIT) {
      next = next.subList(next.size() - HISTORY_LIMIT, next.size());
    }
    return new SnoozeState(phase, phaseSince, lastActivity, lastSource, frontends, claim, lastError, next,
        offer, offerSince, wokeAt, offers, ledger, billing, size, needed);
  }
}
