package dev.snooze.functions.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.control.StatusView;
import dev.snooze.functions.decision.Action;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.schedule.WarmWindows;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.SnoozeState.EventKind;
import dev.snooze.functions.state.StateStore.Change;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The budget, on an injected clock: a cap of 1 GPU hour a day in Warsaw. No wake over budget (said
 * once), a stream under way finishes before the GPU sleeps, the grace bounds that, and midnight resets it.
 */
class BudgetDecisionsTest {
  private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
  private static final Budget ONE_HOUR_A_DAY = new Budget(WARSAW,
      List.of(new Budget.Cap(Budget.Period.DAY, Budget.Unit.GPU_HOURS, 1)), Map.of("snooze-gpu", 0.71),
      Duration.ofMinutes(10));
  private static final Policy POLICY = new Policy(Duration.ofMinutes(15), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2),
      List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)), Duration.ofMinutes(2))
      .withBudget(ONE_HOUR_A_DAY);
  private static final MigView EMPTY = new MigView(0, 0, true, List.of(), null);
  private static final MigView SERVING = new MigView(1, 0, true,
      List.of(new MigView.Instance("gpu-1", "us-central1-a", "RUNNING", "HEALTHY", "NONE")), null);
  private static final Instant NINE = at("2026-12-07T09:00");

  private static Instant at(String local) {
    return LocalDateTime.parse(local).atZone(WARSAW).toInstant();
  }

  private static Activity request(String id, Instant at) {
    return new Activity(id, at, "frontend", ActivityMessage.Kind.REQUEST, null);
  }

  private static Activity heartbeat(String id, Instant at, int inFlight) {
    return new Activity(id, at, "frontend", ActivityMessage.Kind.HEARTBEAT, inFlight);
  }

  private static SnoozeState apply(SnoozeState state, Change<Action> change) {
    return change.next() == null ? state : change.next();
  }

  private static SnoozeState tick(SnoozeState state, MigView mig, Instant now) {
    return apply(state, Decisions.onTick(state, Map.of("snooze-gpu", mig), POLICY, now, "t" + now.getEpochSecond()));
  }

  /** Woken at 09:00 and serving from 09:04, with a stream under way (heartbeats every 30 s). */
  private static SnoozeState servingSinceNine() {
    SnoozeState state = apply(SnoozeState.initial(), Decisions.onActivity(SnoozeState.initial(),
        request("m1", NINE), POLICY, NINE, "w1"));
    return tick(state, SERVING, NINE.plusSeconds(240));
  }

  @Test
  void aStreamUnderWayWhenTheCapIsReachedFinishesThenTheGpuSleepsAndNoWakeFollowsUntilMidnight() {
    SnoozeState state = servingSinceNine();
    assertThat(state.phase()).isEqualTo(Phase.AWAKE);
    // 09:59:30: a stream has been going for minutes; the hour is reached at 10:00.
    state = apply(state, Decisions.onActivity(state, heartbeat("h1", at("2026-12-07T09:59:30"), 1), POLICY,
        at("2026-12-07T09:59:30"), "x"));
    state = tick(state, SERVING, at("2026-12-07T10:00:30"));
    assertThat(state.phase()).as("the stream in flight goes on").isEqualTo(Phase.AWAKE);
    StatusView draining = StatusView.of(state, SERVING, POLICY, at("2026-12-07T10:00:30"));
    assertThat(draining.phase()).isEqualTo(Phase.AWAKE);
    assertThat(draining.budget().exhausted()).isTrue();
    assertThat(draining.budget().reason()).isEqualTo("the budget of 1 GPU hour per day is used up (1.01 GPU hours);"
        + " it resets at 2026-12-08 00:00 Europe/Warsaw");

    // The stream ends: the next heartbeat says nothing is in flight, and the next check sleeps.
    state = apply(state, Decisions.onActivity(state, heartbeat("h2", at("2026-12-07T10:00:40"), 0), POLICY,
        at("2026-12-07T10:00:40"), "x"));
    Change<Action> sleep = Decisions.onTick(state, Map.of("snooze-gpu", SERVING), POLICY, at("2026-12-07T10:01:30"), "s1");
    assertThat(sleep.result()).isEqualTo(new Action.Sleep("s1", "over budget, no request in flight: the budget of"
        + " 1 GPU hour per day is used up (1.03 GPU hours); it resets at 2026-12-08 00:00 Europe/Warsaw"));
    state = tick(sleep.next(), EMPTY, at("2026-12-07T10:04"));
    assertThat(state.phase()).isEqualTo(Phase.ASLEEP);
    assertThat(state.ledger().millis(state.ledger().days().get(0).date(), state.ledger().days().get(0).date(),
        at("2026-12-07T10:04"), WARSAW)).as("exactly 09:00 to 10:01:30").containsEntry("snooze-gpu", 3_690_000L);

    // A prompt at 11:00 wakes nothing: it is refused, said once in the history, and Status says why.
    Change<Action> refused = Decisions.onActivity(state, request("m2", at("2026-12-07T11:00")), POLICY,
        at("2026-12-07T11:00"), "w2");
    assertThat(refused.result()).isEqualTo(new Action.Refused("the budget of 1 GPU hour per day is used up"
        + " (1.03 GPU hours); it resets at 2026-12-08 00:00 Europe/Warsaw", at("2026-12-08T00:00")));
    state = refused.next();
    assertThat(state.phase()).isEqualTo(Phase.ASLEEP);
    assertThat(state.history().get(state.history().size() - 1).kind()).isEqualTo(EventKind.REFUSED);
    SnoozeState again = apply(state, Decisions.onActivity(state, request("m3", at("2026-12-07T11:05")), POLICY,
        at("2026-12-07T11:05"), "w3"));
    assertThat(again.history()).as("the refusal is recorded once in a row").hasSameSizeAs(state.history());
    StatusView over = StatusView.of(again, EMPTY, POLICY, at("2026-12-07T11:05"));
    assertThat(over.phase()).isEqualTo(Phase.OVER_BUDGET);
    assertThat(over.budget().resetsAt()).isEqualTo(at("2026-12-08T00:00"));
    assertThat(over.budget().gpuSecondsToday()).isEqualTo(3_690);
    assertThat(over.budget().costToday()).isEqualTo(0.73); // 1.025 h × 0.71
    assertThat(over.gpuSecondsToday()).isEqualTo(3_690);

    // After midnight in Warsaw the day's hours start again: a prompt wakes the GPU.
    Change<Action> wake = Decisions.onActivity(again, request("m4", at("2026-12-08T00:00:05")), POLICY,
        at("2026-12-08T00:00:05"), "w4");
    assertThat(wake.result()).isInstanceOf(Action.Wake.class);
    assertThat(StatusView.of(wake.next(), EMPTY, POLICY, at("2026-12-08T00:00:05")).budget().exhausted()).isFalse();
  }

  @Test
  void requestsThatKeepComingAfterTheCapAreCutWhenTheGraceSinceTheCapIsOver() {
    SnoozeState state = servingSinceNine();
    Instant reached = at("2026-12-07T10:00");
    for (Instant t = at("2026-12-07T09:59:30"); !t.isAfter(reached.plus(Duration.ofMinutes(11))); t = t.plusSeconds(30)) {
      state = apply(state, Decisions.onActivity(state, heartbeat("h" + t.getEpochSecond(), t, 2), POLICY, t, "x"));
      Change<Action> tick = Decisions.onTick(state, Map.of("snooze-gpu", SERVING), POLICY, t, "s");
      if (t.isBefore(reached.plus(ONE_HOUR_A_DAY.grace()))) {
        assertThat(tick.result()).as("within the grace at " + t).isEqualTo(Action.NONE);
      } else {
        assertThat(tick.result()).as("the grace is over at " + t).isInstanceOf(Action.Sleep.class);
        assertThat(((Action.Sleep) tick.result()).reason())
            .startsWith("over budget, and 2 request(s) still in flight after the grace of 10m: the budget of 1 GPU hour");
        assertThat(t).isEqualTo(reached.plus(ONE_HOUR_A_DAY.grace()));
        return;
      }
    }
    throw new AssertionError("never slept");
  }

  @Test
  void aWakeNotYetServingStopsAtOnceAndAWarmWindowDoesNotBeatTheBudget() {
    Policy warm = POLICY.withWindows(WarmWindows.parse("Daily 00:00-23:59 Europe/Warsaw"));
    SnoozeState spent = servingSinceNine();
    spent = apply(spent, Decisions.onTick(spent, Map.of("snooze-gpu", SERVING), POLICY, at("2026-12-07T10:01"), "s1"));
    assertThat(spent.phase()).as("idle, and over budget").isEqualTo(Phase.SLEEPING);
    spent = tick(spent, EMPTY, at("2026-12-07T10:02"));
    assertThat(Decisions.onTick(spent, Map.of("snooze-gpu", EMPTY), warm, at("2026-12-07T12:00"), "t").result())
        .as("inside a warm window, but over budget").isEqualTo(Action.NONE);

    // A wake that began just before a daily cap of 0 hours was set (a redeploy): it stops before serving.
    Policy none = POLICY.withBudget(ONE_HOUR_A_DAY.withCaps(List.of(new Budget.Cap(Budget.Period.DAY,
        Budget.Unit.GPU_HOURS, 0))));
    SnoozeState waking = Decisions.onActivity(SnoozeState.initial(), request("m1", NINE), POLICY, NINE, "w1").next();
    Change<Action> stop = Decisions.onTick(waking, Map.of("snooze-gpu", EMPTY), none, NINE.plusSeconds(60), "s2");
    assertThat(stop.result()).isInstanceOf(Action.Sleep.class);
    assertThat(((Action.Sleep) stop.result()).reason()).startsWith("over budget while waking: the budget of 0 GPU hours per day");
  }

  @Test
  void aMoneyCapCountsEachOffersPriceAndAMonthlyCapResetsOnTheFirst() {
    Policy monthly = POLICY.withBudget(ONE_HOUR_A_DAY.withCaps(List.of(
        new Budget.Cap(Budget.Period.MONTH, Budget.Unit.MONEY, 1.00))));
    SnoozeState state = servingSinceNine(); // 0.71 an hour: 1.00 is reached after 1 h 24 min 30.1 s
    StatusView before = StatusView.of(state, SERVING, monthly, at("2026-12-07T10:20"));
    assertThat(before.budget().exhausted()).isFalse();
    assertThat(before.budget().caps()).singleElement().satisfies(cap -> {
      assertThat(cap.period()).isEqualTo("month");
      assertThat(cap.unit()).isEqualTo("money");
      assertThat(cap.used()).isEqualTo(0.947); // 1 h 20 min × 0.71
      assertThat(cap.resetsAt()).isEqualTo(at("2027-01-01T00:00"));
    });
    assertThat(StatusView.of(state, SERVING, monthly, at("2026-12-07T10:24:30")).budget().exhausted()).isFalse();
    assertThat(StatusView.of(state, SERVING, monthly, at("2026-12-07T10:24:31")).budget().exhausted()).isTrue();
  }

  @Test
  void aBillingBudgetNoticeAtItsAmountStopsWakesUntilItsPeriodEndsAndAnOlderNoticeChangesNothing() {
    SnoozeState.Billing spent = new SnoozeState.Billing("snooze", 51.20, 50.00, "USD",
        Instant.parse("2026-12-01T08:00:00Z"), Instant.parse("2026-12-07T06:00:00Z"));
    SnoozeState state = Decisions.onBilling(SnoozeState.initial(), spent).next();
    Policy uncapped = POLICY.withBudget(Budget.NONE);
    Change<Action> refused = Decisions.onActivity(state, request("m1", NINE), uncapped, NINE, "w1");
    assertThat(refused.result()).isEqualTo(new Action.Refused("the Cloud Billing budget 'snooze' is used up:"
        + " 51.20 of 50.00 USD billed since 2026-12-01T08:00:00Z; it resets at 2027-01-01 08:00 UTC",
        Instant.parse("2027-01-01T08:00:00Z")));

    SnoozeState.Billing older = new SnoozeState.Billing("snooze", 10, 50, "USD",
        Instant.parse("2026-12-01T08:00:00Z"), Instant.parse("2026-12-06T06:00:00Z"));
    assertThat(Decisions.onBilling(state, older).next()).as("redelivered late").isNull();
    assertThat(Decisions.onBilling(state, spent).next()).as("the same notice again").isNull();

    SnoozeState.Billing nextMonth = new SnoozeState.Billing("snooze", 0.40, 50, "USD",
        Instant.parse("2027-01-01T08:00:00Z"), Instant.parse("2027-01-01T09:00:00Z"));
    SnoozeState renewed = Decisions.onBilling(state, nextMonth).next();
    Instant later = Instant.parse("2027-01-01T09:05:00Z");
    assertThat(Decisions.onActivity(renewed, request("m2", later), uncapped, later, "w2").result())
        .isInstanceOf(Action.Wake.class);
  }
}
