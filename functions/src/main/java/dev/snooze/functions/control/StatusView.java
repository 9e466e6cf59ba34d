package dev.snooze.functions.control;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import dev.snooze.boot.BootStage;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.boot.BootEstimate;
import dev.snooze.functions.boot.BootReport;
import dev.snooze.functions.boot.BootTimeline;
import dev.snooze.functions.budget.Spend;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.scale.Demand;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.schedule.WarmWindow;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.SnoozeState.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What the Status function answers: the phase and why, the timers, the MIG, the last error and
 * the day's cost figure. Derived purely from the state, the MIG and the time.
 *
 * @param secondsUntilSleep null unless the GPU is wanted; 0 when the next check will sleep it
 * @param phase {@link Phase#OVER_BUDGET} while the GPU is not wanted and a budget cap is reached
 * @param gpuSecondsToday VM-seconds today (in the budget's zone), from the ledger
 * @param history the newest events first
 * @param offer the offer being woken or serving (null while asleep)
 * @param offers every offer in order of preference, as Status shows it
 * @param expectedWakeSeconds how long a wake of the offer wanted (the preferred one while asleep)
 *     is expected to take: learned from its past wakes, or the configured guess before the first
 * @param expectedWakeSource {@code learned} or {@code configured}
 * @param boot where the current wake stands; null while the GPU is not wanted
 * @param warmWindow the warm window under way, else the next one; null without warm windows
 * @param budget today's and this month's GPU time and cost, each cap's use, and whether one is reached
 * @param scale how many GPU VMs serve, are asked for and are needed, and what keeps it from more
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
    List<Offer> offers,
    long expectedWakeSeconds,
    String expectedWakeSource,
    Boot boot,
    Window warmWindow,
    BudgetView budget,
    ScaleView scale) {

  private static final int HISTORY_SHOWN = 10;
  private static final Gson GSON = new GsonBuilder()
      .disableHtmlEscaping()
      .serializeNulls()
      .registerTypeAdapter(Instant.class,
          (JsonSerializer<Instant>) (instant, type, context) -> new JsonPrimitive(instant.toString()))
      // An instance's reported stages, as the VM wrote them: {"booting": time, ...}.
      .registerTypeAdapter(BootReport.class, (JsonSerializer<BootReport>) (report, type, context) -> {
        JsonObject stages = new JsonObject();
        report.stages().forEach((stage, at) -> stages.addProperty(stage.wire(), at.toString()));
        return stages;
      })
      .create();

  /** The MIG as Status shows it. */
  public record Mig(int targetSize, int targetStoppedSize, int desiredSize, long currentSize,
      boolean stable, List<MigView.Instance> instances) {}

  /**
   * The current wake, stage by stage.
   *
   * @param stage the stage of the furthest VM ({@link BootStage#wire()}); {@code ready} once its model is loaded
   * @param stageSince when it began; null when not known (a VM that reports no stages)
   * @param stageSeconds time in it so far; null when not known
   * @param instance the VM it is about; null while none has a VM yet
   * @param reported whether the VM reports its stages (else they are inferred from its status and health)
   * @param etaSeconds expected seconds until ready; 0 once ready
   * @param learnedFrom how many past wakes the expectations come from; 0 for the configured guess
   */
  public record Boot(String stage, Instant stageSince, Long stageSeconds, String instance, boolean reported,
      List<Stage> stages, long etaSeconds, String etaSource, int learnedFrom) {}

  /**
   * One stage of the current wake.
   *
   * @param state {@code done}, {@code current} or {@code pending}
   * @param seconds how long it took (done) or has taken so far (current); null when pending or not known
   * @param expectedSeconds how long it is expected to take; null for {@code ready}
   */
  public record Stage(String name, String state, Double seconds, Double expectedSeconds) {}

  /**
   * One occurrence of a warm window.
   *
   * @param active whether it is under way (the GPU is kept awake until {@code to})
   */
  public record Window(String window, Instant from, Instant to, boolean active) {
    static Window of(Policy policy, Instant now) {
      if (policy.windows().isEmpty()) {
        return null;
      }
      WarmWindow.Span underWay = policy.windows().wanting(now, Duration.ZERO);
      WarmWindow.Span span = underWay != null ? underWay : policy.windows().next(now);
      return new Window(span.window().toString(), span.from(), span.to(), underWay != null);
    }
  }

  /**
   * The GPU budget as Status shows it (always present: without caps it still shows the ledger).
   *
   * @param costToday null without a price for every offer that ran
   * @param exhausted whether a cap is reached: no wake until {@code resetsAt}, and an awake GPU drains
   */
  public record BudgetView(String zone, long gpuSecondsToday, long gpuSecondsThisMonth, Double costToday,
      Double costThisMonth, List<CapView> caps, boolean exhausted, String reason, Instant resetsAt) {
    static BudgetView of(Spend spend, Policy policy) {
      List<CapView> caps = spend.caps().stream().map(use -> new CapView(use.cap().period().wire(),
          use.cap().unit().wire(), use.cap().limit(), Math.round(use.used() * 1000) / 1000.0, use.resetsAt())).toList();
      Spend.Exhausted over = spend.exhausted();
      return new BudgetView(policy.budget().zone().getId(), Spend.seconds(spend.dayMillis()),
          Spend.seconds(spend.monthMillis()), cents(spend.costToday()), cents(spend.costThisMonth()), caps,
          over != null, over == null ? null : over.reason(), over == null ? null : over.resetsAt());
    }

    private static Double cents(Double amount) {
      return amount == null ? null : Math.round(amount * 100) / 100.0;
    }
  }

  /**
   * Scaling by requests in flight, as Status shows it (present with or without scaling: {@code max}
   * equal to {@code min} scales nothing).
   *
   * @param inFlight requests in flight across the frontends' fresh reports
   * @param wanted the VMs those need now, within [min, max]
   * @param size the VMs asked of the offer (0 while asleep)
   * @param serving the offer's VMs serving now
   * @param limit why no more VMs serve than are needed: the maximum, or the offer's lack of
   *     capacity (the VMs serving go on; no other offer is tried while one serves); null otherwise
   * @param scaleInAt when a VM may next be removed if demand stays lower; null when none may
   */
  public record ScaleView(int min, int max, int targetInFlight, int inFlight, int wanted, int size, long serving,
      String limit, Instant scaleInAt) {
    static ScaleView of(SnoozeState state, MigView mig, Policy policy, String wantedOffer, Instant now) {
      boolean wanting = state.phase().wantsGpu();
      int inFlight = state.inFlight(now, policy.heartbeatTtl());
      int size = wanting ? Decisions.size(state, policy) : 0;
      long serving = wanting ? mig.instances().stream().filter(MigView.Instance::serving).count() : 0;
      int needed = Demand.unbounded(inFlight, policy.scaling());
      String limit = null;
      if (wanting && needed > policy.scaling().max() && policy.scales()) {
        limit = "at the maximum of " + policy.scaling().max() + " GPU VMs (" + inFlight + " requests in flight, "
            + policy.scaling().targetInFlight() + " per VM)";
      }
      MigView.MigError shortage = mig.noCapacitySince(state.offerWakeBegan());
      if (wanting && serving > 0 && serving < size && shortage != null) {
        limit = wantedOffer + ": " + shortage.code() + " (" + shortage.message() + "): " + serving + " of " + size
            + " VMs serve; the MIG keeps trying for the rest";
      }
      Instant scaleInAt = wanting ? Demand.scaleInAt(state.needed(), size, policy.desiredSize(), policy.scaling(),
          policy.granularity()) : null;
      return new ScaleView(policy.desiredSize(), policy.scaling().max(), policy.scaling().targetInFlight(), inFlight,
          wanting ? Demand.wanted(inFlight, policy.desiredSize(), policy.scaling()) : 0, size, serving, limit, scaleInAt);
    }
  }

  /** One cap: {@code unit} {@code gpu-hours} or {@code money}, per {@code period} {@code day} or {@code month}. */
  public record CapView(String period, String unit, double limit, double used, Instant resetsAt) {}

  /** What an offer is doing in the current wake. */
  public enum OfferState { SERVING, WAKING, FAILED, ASLEEP }

  /**
   * One offer as Status shows it.
   *
   * @param lastFailure why it was last given up (kept across wakes)
   * @param gpuSeconds VM-seconds it was charged this month (in the budget's zone), the current wake included
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
    String estimated = wanted != null ? wanted : policy.preferred().mig();
    BootEstimate estimate = BootEstimate.of(state.offerRecord(estimated).boots(), policy.sleepMode().name(),
        policy.expectedWake());
    Spend spend = Spend.of(policy.budget(), state.ledger(), state.billing(), now);
    if (!phase.wantsGpu() && spend.exhausted() != null) {
      phase = Phase.OVER_BUDGET;
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
        Spend.seconds(spend.dayMillis()),
        List.copyOf(newestFirst.subList(0, Math.min(HISTORY_SHOWN, newestFirst.size()))),
        wanted,
        offers(state, mig, policy, wanted, spend),
        seconds(estimate.total()),
        estimate.source(),
        phase.wantsGpu() ? boot(state, mig, estimate, now) : null,
        Window.of(policy, now),
        BudgetView.of(spend, policy),
        ScaleView.of(state, mig, policy, wanted, now));
  }

  private static Boot boot(SnoozeState state, MigView mig, BootEstimate estimate, Instant now) {
    Instant since = state.offerWakeBegan();
    BootTimeline timeline = BootTimeline.of(mig, since);
    Map<BootStage, Duration> finished = timeline.finished();
    Instant stageSince = timeline.currentSince();
    Duration inStage = stageSince == null ? null : positive(Duration.between(stageSince, now));
    List<Stage> stages = new ArrayList<>();
    for (BootStage stage : BootStage.values()) {
      Double expected = stage == BootStage.READY ? null : estimate.of(stage).toMillis() / 1000.0;
      int order = stage.compareTo(timeline.current());
      if (order < 0) {
        stages.add(new Stage(stage.wire(), "done", finished.get(stage).toMillis() / 1000.0, expected));
      } else if (order == 0) {
        stages.add(new Stage(stage.wire(), stage == BootStage.READY ? "done" : "current",
            inStage == null || stage == BootStage.READY ? null : inStage.toMillis() / 1000.0, expected));
      } else {
        stages.add(new Stage(stage.wire(), "pending", null, expected));
      }
    }
    return new Boot(timeline.current().wire(), stageSince, inStage == null ? null : inStage.toSeconds(),
        timeline.instance(), timeline.reported(), stages, seconds(estimate.remaining(timeline, now)),
        estimate.source(), estimate.learnedFrom());
  }

  /** Whole seconds, rounded up: an ETA of 0.2 s left is "1 s", not "ready". */
  private static long seconds(Duration duration) {
    long millis = duration.toMillis();
    return millis <= 0 ? 0 : (millis + 999) / 1000;
  }

  private static Duration positive(Duration duration) {
    return duration.isNegative() ? Duration.ZERO : duration;
  }

  private static List<Offer> offers(SnoozeState state, MigView wantedView, Policy policy, String wanted,
      Spend spend) {
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
          spend.monthMillis().getOrDefault(offer.mig(), 0L) / 1000));
    }
    return offers;
  }

  public String toJson() {
    return GSON.toJson(this);
  }
}
