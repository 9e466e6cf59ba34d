package dev.snooze.functions.control;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.SnoozeState.EventKind;
import dev.snooze.functions.state.SnoozeState.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the Status function answers: the phase and why, the timers, the MIG, the last error and
 * the day's cost figure. Derived purely from the state, the MIG and the time.
 *
 * @param secondsUntilSleep null unless the GPU is wanted; 0 when the next check will sleep it
 * @param gpuSecondsToday instance-seconds since 00:00 UTC between each wake and its sleep, times
 *     the desired size (from the last {@value SnoozeState#HISTORY_LIMIT} events)
 * @param history the newest events first
 * @param offer the offer being woken or serving (null while asleep)
 * @param offers every offer in order of preference, as Status shows it
 */
public record StatusView(
    Phase phase,
    Instant since,
    Instant lastActivity,
    long idleTimeoutSeconds,
    Long secondsUntilSleep,
    Mig mig,
    SnoozeState.LastError lastError,
    long gpuSecondsToday,
    List<HistoryEvent> history,
    String offer,
    List<Offer> offers) {

  private static final int HISTORY_SHOWN = 10;
  private static final Gson GSON = new GsonBuilder()
      .disableHtmlEscaping()
      .serializeNulls()
      .registerTypeAdapter(Instant.class,
          (JsonSerializer<Instant>) (instant, type, context) -> new JsonPrimitive(instant.toString()))
      .create();

  /** The MIG as Status shows it. */
  public record Mig(int targetSize, int targetStoppedSize, int desiredSize, long currentSize,
      boolean stable, List<MigView.Instance> instances) {}

  /** What an offer is doing in the current wake. */
  public enum OfferState { SERVING, WAKING, FAILED, ASLEEP }

  /**
   * One offer as Status shows it.
   *
   * @param lastFailure why it was last given up (kept across wakes)
   * @param gpuSeconds instance-seconds it served since the state began, the current serving included
   */
  public record Offer(String mig, String location, String model, OfferState state,
      SnoozeState.LastError lastFailure, long gpuSeconds) {}

  /**
   * The offer Status shows the MIG of: the one wanted, or the preferred one while asleep. The other
   * offers are shown from the state alone, so Status reads one MIG however many offers there are.
   */
  public static String shownOffer(SnoozeState state, Policy policy) {
    return state.phase().wantsGpu() ? Decisions.current(state, policy).mig() : policy.preferred().mig();
  }

  /** @param mig the MIG of {@link #shownOffer} now */
  public static StatusView of(SnoozeState state, MigView mig, Policy policy, Instant now) {
    String wanted = state.phase().wantsGpu() ? shownOffer(state, policy) : null;
    Phase phase = state.phase();
    if ((phase == Phase.WAKING || phase == Phase.ERROR) && mig.serving()) {
      phase = Phase.AWAKE; // the next check records it; users need not wait for it
    }
    Long untilSleep = null;
    if (state.phase().wantsGpu() && state.lastActivity() != null) {
      Duration left = Duration.between(now, state.lastActivity().plus(policy.sleepAfter()));
      untilSleep = Math.max(0, left.toSeconds());
    }
    List<HistoryEvent> newestFirst = new ArrayList<>(state.history());
    Collections.reverse(newestFirst);
    return new StatusView(
        phase,
        state.phaseSince(),
        state.lastActivity(),
        policy.idleTimeout().toSeconds(),
        untilSleep,
        new Mig(mig.targetSize(), mig.targetStoppedSize(), policy.desiredSize(), mig.active(),
            mig.stable(), mig.instances()),
        phase == Phase.AWAKE ? null : state.lastError(),
        gpuSecondsToday(state, policy, now),
        List.copyOf(newestFirst.subList(0, Math.min(HISTORY_SHOWN, newestFirst.size()))),
        wanted,
        offers(state, mig, policy, wanted, now));
  }

  private static List<Offer> offers(SnoozeState state, MigView wantedView, Policy policy, String wanted,
      Instant now) {
    List<Offer> offers = new ArrayList<>();
    for (GpuOffer offer : policy.offers()) {
      SnoozeState.OfferRecord record = state.offerRecord(offer.mig());
      OfferState shown;
      if (offer.mig().equals(wanted)) {
        shown = wantedView.serving() ? OfferState.SERVING : OfferState.WAKING;
      } else if (wanted != null && record.lastFailure() != null && state.wokeAt() != null
          && !record.lastFailure().at().isBefore(state.wokeAt())) {
        shown = OfferState.FAILED;
      } else {
        shown = OfferState.ASLEEP;
      }
      offers.add(new Offer(offer.mig(), offer.location(), offer.model().name(), shown, record.lastFailure(),
          record.gpuSecondsAt(now) * policy.desiredSize()));
    }
    return offers;
  }

  public String toJson() {
    return GSON.toJson(this);
  }

  static long gpuSecondsToday(SnoozeState state, Policy policy, Instant now) {
    Instant dayStart = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    long seconds = 0;
    Instant wokeAt = null;
    for (HistoryEvent event : state.history()) {
      if (event.kind() == EventKind.WAKE && wokeAt == null) {
        wokeAt = event.at();
      } else if (event.kind() == EventKind.SLEEP && wokeAt != null) {
        seconds += overlap(wokeAt, event.at(), dayStart, now);
        wokeAt = null;
      }
    }
    if (wokeAt != null && state.phase() != Phase.ASLEEP) {
      seconds += overlap(wokeAt, now, dayStart, now);
    }
    return seconds * policy.desiredSize();
  }

  private static long overlap(Instant from, Instant to, Instant dayStart, Instant now) {
    Instant start = from.isBefore(dayStart) ? dayStart : from;
    Instant end = to.isAfter(now) ? now : to;
    return end.isAfter(start) ? Duration.between(start, end).toSeconds() : 0;
  }
}
