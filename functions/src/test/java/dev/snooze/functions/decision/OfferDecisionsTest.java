package dev.snooze.functions.decision;

import static dev.snooze.functions.decision.DecisionsTest.T0;
import static dev.snooze.functions.decision.DecisionsTest.activity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.config.GpuOffer;
import dev.snooze.config.GpuOffer.ProvisioningModel;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.state.Ledger;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.SnoozeState.EventKind;
import dev.snooze.functions.state.StateStore.Change;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Failover between GPU offers: spot L4, then on-demand L4, then on-demand T4. */
class OfferDecisionsTest {
  static final GpuOffer SPOT = new GpuOffer("l4-spot", "us-central1", ProvisioningModel.SPOT);
  static final GpuOffer L4 = new GpuOffer("l4", "us-central1", ProvisioningModel.STANDARD);
  static final GpuOffer T4 = new GpuOffer("t4", "us-central1-b", ProvisioningModel.STANDARD);
  static final Duration CAPACITY_TIMEOUT = Duration.ofMinutes(2);
  static final Policy POLICY = new Policy(Duration.ofMinutes(15), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2), List.of(SPOT, L4, T4), CAPACITY_TIMEOUT);

  static final MigView EMPTY = new MigView(0, 0, true, List.of(), null);
  static final MigView SERVING = new MigView(1, 0, true,
      List.of(new MigView.Instance("vm", "us-central1-a", "RUNNING", "HEALTHY", "NONE")), null);
  static final MigView BOOTING = new MigView(1, 0, false,
      List.of(new MigView.Instance("vm", "us-central1-a", "STAGING", "", "CREATING")), null);
  static final MigView WAITING = new MigView(1, 0, false,
      List.of(new MigView.Instance("vm", "", "", "", "CREATING")), null);

  static MigView.MigError error(String code, Instant at) {
    return new MigView.MigError(code, "message of " + code, at);
  }

  /** The spot offer's wake claimed at T0 by message m1. */
  static SnoozeState waking() {
    Change<Action> change = Decisions.onActivity(SnoozeState.initial(), activity("m1", T0), POLICY, T0, "w1");
    assertThat(change.result()).isEqualTo(new Action.Wake("w1", "activity from frontend (message m1)", "l4-spot", 1));
    return change.next();
  }

  static Map<String, MigView> views(MigView spot, MigView l4, MigView t4) {
    Map<String, MigView> views = new LinkedHashMap<>();
    views.put("l4-spot", spot);
    views.put("l4", l4);
    views.put("t4", t4);
    return views;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZONE_RESOURCE_POOL_EXHAUSTED", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", "QUOTA_EXCEEDED"})
  void aWakeOperationWithoutCapacityGivesTheOfferUpForTheNext(String code) {
    Instant now = T0.plusSeconds(2);
    Change<Action> change = Decisions.onWakeError(waking(), POLICY, "l4-spot", error(code, now), now, "w2");

    assertThat(change.result()).isEqualTo(new Action.Wake("w2",
        "l4-spot " + code + " (message of " + code + "): waking l4", "l4", 1, List.of("l4-spot")));
    SnoozeState next = change.next();
    assertThat(next.offer()).isEqualTo("l4");
    assertThat(next.offerSince()).isEqualTo(now);
    assertThat(next.phase()).isEqualTo(Phase.WAKING);
    assertThat(next.claim().id()).isEqualTo("w2");
    assertThat(next.offerRecord("l4-spot").lastFailure().code()).isEqualTo(code);
    assertThat(next.lastError().code()).isEqualTo(code);
    assertThat(next.history().get(next.history().size() - 1).kind()).isEqualTo(EventKind.FAILOVER);
  }

  @Test
  void aFailureThatIsNotAboutCapacityIsShownAndTheMigKeepsTrying() {
    Instant now = T0.plusSeconds(2);
    Change<Action> change = Decisions.onWakeError(waking(), POLICY, "l4-spot", error("RESOURCE_NOT_READY", now), now, "w2");

    assertThat(change.result()).isEqualTo(Action.NONE);
    assertThat(change.next().offer()).isEqualTo("l4-spot");
    assertThat(change.next().lastError().code()).isEqualTo("RESOURCE_NOT_READY");
  }

  @Test
  void aCheckFailsOverOnListErrorsOrLastAttemptOfThisAttemptOnly() {
    SnoozeState state = waking();
    Instant now = T0.plusSeconds(30);
    MigView oldError = new MigView(1, 0, false, WAITING.instances().stream()
        .map(i -> new MigView.Instance(i.name(), i.zone(), i.status(), i.health(), i.action(), null)).toList(),
        error("ZONE_RESOURCE_POOL_EXHAUSTED", T0.minusSeconds(600)));
    assertThat(Decisions.onTick(state, views(oldError, EMPTY, EMPTY), POLICY, now, "t1").result())
        .as("a listErrors entry older than the attempt is history").isEqualTo(Action.NONE);

    MigView listed = new MigView(1, 0, false, WAITING.instances(), error("ZONE_RESOURCE_POOL_EXHAUSTED", T0.plusSeconds(5)));
    assertThat(Decisions.onTick(state, views(listed, EMPTY, EMPTY), POLICY, now, "t1").result())
        .isEqualTo(new Action.Wake("t1", "l4-spot ZONE_RESOURCE_POOL_EXHAUSTED (message of ZONE_RESOURCE_POOL_EXHAUSTED):"
            + " waking l4", "l4", 1, List.of("l4-spot")));

    MigView lastAttempt = new MigView(1, 0, false,
        List.of(new MigView.Instance("vm", "", "", "", "CREATING", error("ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", null))),
        null);
    assertThat(((Action.Wake) Decisions.onTick(state, views(lastAttempt, EMPTY, EMPTY), POLICY, now, "t1").result()).offer())
        .isEqualTo("l4");
  }

  @Test
  void anOfferWithNoVmWithinTheCapacityTimeoutIsGivenUpButABootingOneIsNot() {
    SnoozeState state = waking();
    Instant before = T0.plus(CAPACITY_TIMEOUT).minusSeconds(1);
    Instant due = T0.plus(CAPACITY_TIMEOUT);

    assertThat(Decisions.onTick(state, views(WAITING, EMPTY, EMPTY), POLICY, before, "t").result()).isEqualTo(Action.NONE);
    assertThat(Decisions.onTick(state, views(BOOTING, EMPTY, EMPTY), POLICY, due.plusSeconds(60), "t").result())
        .as("a VM that got capacity boots as long as it takes").isEqualTo(Action.NONE);

    Change<Action> change = Decisions.onTick(state, views(WAITING, EMPTY, EMPTY), POLICY, due, "t");
    assertThat(((Action.Wake) change.result()).offer()).isEqualTo("l4");
    assertThat(change.next().offerRecord("l4-spot").lastFailure().code()).isEqualTo(Decisions.CAPACITY_TIMEOUT);
    assertThat(change.next().offerRecord("l4-spot").lastFailure().message()).isEqualTo("no VM within the capacity timeout of 2m");
  }

  @Test
  void aPreemptedSpotVmHandsOverToTheNextOffer() {
    Instant servedAt = T0.plusSeconds(60);
    SnoozeState awake = Decisions.onTick(waking(), views(SERVING, EMPTY, EMPTY), POLICY, servedAt, "t1").next();
    assertThat(awake.phase()).isEqualTo(Phase.AWAKE);
    MigView preempted = new MigView(1, 0, false,
        List.of(new MigView.Instance("vm", "us-central1-a", "STOPPING", "", "RECREATING")), null);

    Instant now = servedAt.plusSeconds(600);
    Change<Action> change = Decisions.onTick(awake.withActivity(now, "frontend"), views(preempted, EMPTY, EMPTY),
        POLICY, now, "t2");

    assertThat(change.result()).isEqualTo(new Action.Wake("t2",
        "l4-spot PREEMPTED (the spot VM of l4-spot was preempted): waking l4", "l4", 1, List.of("l4-spot")));
    assertThat(change.next().phase()).isEqualTo(Phase.WAKING);
    assertThat(change.next().ledger().open()).as("the preempted offer's time is closed, the next one charged from now")
        .containsExactly(new Ledger.Open("l4", now, 1));
    assertThat(change.next().ledger().millis(LocalDate.EPOCH, LocalDate.MAX, now, ZoneOffset.UTC))
        .as("the preempted offer ran from its wake until the preemption was seen")
        .containsEntry("l4-spot", Duration.between(awake.offerSince(), now).toMillis());
  }

  @Test
  void aFlakyHealthCheckOnARunningSpotVmIsNotAPreemption() {
    SnoozeState awake = Decisions.onTick(waking(), views(SERVING, EMPTY, EMPTY), POLICY, T0.plusSeconds(60), "t1").next();
    MigView unhealthy = new MigView(1, 0, true,
        List.of(new MigView.Instance("vm", "us-central1-a", "RUNNING", "UNHEALTHY", "NONE")), null);

    assertThat(Decisions.onTick(awake, views(unhealthy, EMPTY, EMPTY), POLICY, T0.plusSeconds(120), "t2").result())
        .isEqualTo(Action.NONE);
  }

  @Test
  void everyOfferOutIsAnErrorNamingEachAndTheLastKeepsTrying() {
    Instant t1 = T0.plusSeconds(2);
    SnoozeState state = Decisions.onWakeError(waking(), POLICY, "l4-spot", error("ZONE_RESOURCE_POOL_EXHAUSTED", t1), t1, "w2").next();
    state = Decisions.onWakeError(state, POLICY, "l4", error("QUOTA_EXCEEDED", t1), t1, "w3").next();
    Change<Action> last = Decisions.onWakeError(state, POLICY, "t4", error("ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", t1), t1, "w4");

    assertThat(last.result()).isEqualTo(Action.NONE);
    SnoozeState error = last.next();
    assertThat(error.phase()).isEqualTo(Phase.ERROR);
    assertThat(error.offer()).as("the last keeps trying: its MIG retries").isEqualTo("t4");
    assertThat(error.lastError().code()).isEqualTo(Decisions.NO_OFFER);
    assertThat(error.lastError().message())
        .contains("l4-spot ZONE_RESOURCE_POOL_EXHAUSTED", "l4 QUOTA_EXCEEDED", "t4 ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS");

    MigView stillOut = new MigView(1, 0, false,
        List.of(new MigView.Instance("vm", "", "", "", "CREATING", error("ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", null))), null);
    Instant soon = t1.plusSeconds(60);
    assertThat(Decisions.onTick(error.withActivity(soon, "frontend"), views(EMPTY, EMPTY, stillOut), POLICY, soon, "t").next())
        .as("nothing to write while every failure is fresh").isNull();

    Instant aged = t1.plus(CAPACITY_TIMEOUT);
    Change<Action> retry = Decisions.onTick(error.withActivity(aged, "frontend"), views(EMPTY, EMPTY, stillOut), POLICY, aged, "t5");
    assertThat(((Action.Wake) retry.result()).offer()).as("round again, from the first after the current").isEqualTo("l4-spot");
    assertThat(retry.next().phase()).isEqualTo(Phase.ERROR);
    assertThat(retry.next().lastError().code()).isEqualTo(Decisions.NO_OFFER);

    Instant served = aged.plusSeconds(40);
    SnoozeState awake = Decisions.onTick(retry.next(), views(SERVING, EMPTY, EMPTY), POLICY, served, "t6").next();
    assertThat(awake.phase()).isEqualTo(Phase.AWAKE);
    assertThat(awake.lastError()).isNull();
  }

  @Test
  void theNextWakeFromSleepTriesThePreferredOfferAgain() {
    Instant t1 = T0.plusSeconds(2);
    SnoozeState onL4 = Decisions.onWakeError(waking(), POLICY, "l4-spot", error("ZONE_RESOURCE_POOL_EXHAUSTED", t1), t1, "w2").next();
    SnoozeState awake = Decisions.onTick(onL4, views(EMPTY, SERVING, EMPTY), POLICY, t1.plusSeconds(60), "t").next();
    Instant idle = t1.plus(POLICY.sleepAfter());
    Change<Action> sleep = Decisions.onTick(awake, views(EMPTY, SERVING, EMPTY), POLICY, idle, "s1");
    assertThat(sleep.result()).isInstanceOf(Action.Sleep.class);
    SnoozeState asleep = Decisions.afterSleep(sleep.next(), POLICY, "s1", idle.plusSeconds(5), "x").next();
    assertThat(asleep.phase()).isEqualTo(Phase.ASLEEP);
    assertThat(asleep.offer()).isNull();

    Instant later = idle.plusSeconds(30);
    Change<Action> wake = Decisions.onActivity(asleep, activity("m9", later), POLICY, later, "w9");
    assertThat(((Action.Wake) wake.result()).offer()).isEqualTo("l4-spot");
  }

  @Test
  void aFailureOfAnOfferAlreadyLeftChangesNothing() {
    Instant t1 = T0.plusSeconds(2);
    SnoozeState onL4 = Decisions.onWakeError(waking(), POLICY, "l4-spot", error("ZONE_RESOURCE_POOL_EXHAUSTED", t1), t1, "w2").next();

    Change<Action> late = Decisions.onWakeError(onL4, POLICY, "l4-spot", error("QUOTA_EXCEEDED", t1), t1.plusSeconds(1), "w3");

    assertThat(late.result()).isEqualTo(Action.NONE);
    assertThat(late.next()).isNull();
  }

  @Test
  void anOfferRunningWhileAnotherIsWantedIsGivenUpThenConfirmed() {
    Instant t1 = T0.plusSeconds(2);
    SnoozeState onL4 = Decisions.onWakeError(waking(), POLICY, "l4-spot", error("ZONE_RESOURCE_POOL_EXHAUSTED", t1), t1, "w2").next();
    SnoozeState awake = Decisions.onTick(onL4, views(EMPTY, SERVING, EMPTY), POLICY, t1.plusSeconds(60), "t").next();

    Change<Action> stray = Decisions.onTick(awake, views(SERVING, SERVING, EMPTY), POLICY, t1.plusSeconds(120), "t2");
    assertThat(stray.result()).isEqualTo(new Action.GiveUp("t2",
        "reconcile: l4-spot running while l4 is the offer wanted", List.of("l4-spot")));

    assertThat(Decisions.afterGiveUp(awake, POLICY, List.of("l4-spot"), null, "x").result()).isEqualTo(Action.NONE);
    SnoozeState backOnSpot = awake.withOffer("l4-spot", t1.plusSeconds(121));
    assertThat(Decisions.afterGiveUp(backOnSpot, POLICY, List.of("l4-spot"), null, "x").result())
        .as("chosen again while being given up: woken again")
        .isEqualTo(new Action.Wake("x", "l4-spot was chosen again while being given up", "l4-spot", 1));
  }

  @Test
  void sleepWaitsForEveryOfferToBeEmpty() {
    SnoozeState awake = Decisions.onTick(waking(), views(SERVING, EMPTY, EMPTY), POLICY, T0.plusSeconds(60), "t1").next();
    Instant idle = T0.plus(POLICY.sleepAfter());
    SnoozeState sleeping = Decisions.onTick(awake, views(SERVING, EMPTY, EMPTY), POLICY, idle, "s1").next();
    Instant later = idle.plus(POLICY.claimLease());

    assertThat(Decisions.onTick(sleeping, views(EMPTY, BOOTING, EMPTY), POLICY, later, "s2").result())
        .isEqualTo(new Action.Sleep("s2", "retry of an abandoned sleep"));
    assertThat(Decisions.onTick(sleeping, views(EMPTY, EMPTY, EMPTY), POLICY, later, "s2").next().phase())
        .isEqualTo(Phase.ASLEEP);
    assertThat(sleeping.ledger().open()).isEmpty();
    assertThat(sleeping.ledger().millis(LocalDate.EPOCH, LocalDate.MAX, idle, ZoneOffset.UTC))
        .as("charged from the wake's claim to the sleep's").containsEntry("l4-spot", Duration.between(waking().offerSince(), idle).toMillis());
  }

  @Test
  void activityWhileAnOfferWakesPastTheCapacityTimeoutAsksForACheckAtOnce() {
    SnoozeState state = waking();
    Instant early = T0.plus(CAPACITY_TIMEOUT).minusSeconds(1);
    assertThat(Decisions.onActivity(state, activity("m2", early), POLICY, early, "x").result()).isEqualTo(Action.NONE);

    Instant due = T0.plus(CAPACITY_TIMEOUT);
    assertThat(Decisions.onActivity(state, activity("m3", due), POLICY, due, "x").result())
        .isEqualTo(new Action.Check("l4-spot has been waking for the capacity timeout of 2m"));
  }
}
