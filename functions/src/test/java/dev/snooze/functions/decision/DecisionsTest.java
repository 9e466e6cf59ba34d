package dev.snooze.functions.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.state.InMemoryStateStore;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState.EventKind;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.StateStore.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DecisionsTest {
  static final Policy POLICY = new Policy(Duration.ofMinutes(2), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2), List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)), Duration.ofMinutes(2));
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  static final MigView EMPTY = new MigView(0, 0, true, List.of(), null);
  static final MigView BOOTING = new MigView(1, 0, false,
      List.of(new MigView.Instance("gpu-a1b2", "us-central1-a", "STAGING", "", "CREATING")), null);
  static final MigView SERVING = new MigView(1, 0, true,
      List.of(new MigView.Instance("gpu-a1b2", "us-central1-a", "RUNNING", "HEALTHY", "NONE")), null);

  static Activity activity(String id, Instant at) {
    return new Activity(id, at, "frontend", ActivityMessage.Kind.REQUEST, null);
  }

  static Activity heartbeat(String id, Instant at, int inFlight) {
    return new Activity(id, at, "frontend", ActivityMessage.Kind.HEARTBEAT, inFlight);
  }

  static SnoozeState awake(Instant lastActivity) {
    return Decisions.onActivity(SnoozeState.initial(), activity("m0", lastActivity), POLICY,
            lastActivity, "wake-0").next()
        .withPhase(Phase.AWAKE, lastActivity);
  }

  static Activity intent(String id, Instant at) {
    return new Activity(id, at, "frontend", ActivityMessage.Kind.INTENT, null);
  }

  @Nested
  class Intent {
    @Test
    void aPageOpenedWhileAsleepWakesTheGpuAndTheIdleTimeoutCountsFromThatWake() {
      Change<Action> change = Decisions.onActivity(SnoozeState.initial(), intent("i1", T0), POLICY, T0, "c1");

      assertThat(change.result()).isEqualTo(new Action.Wake("c1", "intent (a page opened) from frontend (message i1)", "snooze-gpu", 1));
      assertThat(change.next().lastActivity()).isEqualTo(T0);
    }

    @Test
    void aReloadStormWakesOnceAndAnOpenTabNeverKeepsTheGpuAwake() {
      SnoozeState waking = Decisions.onActivity(SnoozeState.initial(), intent("i1", T0), POLICY, T0, "c1").next();
      for (int i = 2; i <= 50; i++) {
        Instant at = T0.plusSeconds(i * 5L);
        Change<Action> reload = Decisions.onActivity(waking, intent("i" + i, at), POLICY, at, "c" + i);
        assertThat(reload.result()).isEqualTo(Action.NONE);
        assertThat(reload.next()).as("no write: the intent does not move the idle timer").isNull();
      }
      SnoozeState awake = waking.withPhase(Phase.AWAKE, T0.plusSeconds(30));
      Instant later = T0.plus(POLICY.sleepAfter()).minusSeconds(1);
      assertThat(Decisions.onActivity(awake, intent("late", later), POLICY, later, "c").next()).isNull();
      Instant idle = T0.plus(POLICY.sleepAfter());
      assertThat(Decisions.onTick(awake, Map.of("snooze-gpu", SERVING), POLICY, idle, "t").result())
          .as("idle timeout from the wake, whatever the open tab sent").isInstanceOf(Action.Sleep.class);
    }
  }

  @Nested
  class Activity_ {
    @Test
    void theFirstActivityWhileAsleepClaimsOneWake() {
      Change<Action> change = Decisions.onActivity(SnoozeState.initial(), activity("m1", T0), POLICY, T0, "c1");

      assertThat(change.result()).isEqualTo(new Action.Wake("c1", "activity from frontend (message m1)", "snooze-gpu", 1));
      assertThat(change.next().phase()).isEqualTo(Phase.WAKING);
      assertThat(change.next().lastActivity()).isEqualTo(T0);
      assertThat(change.next().claim().messageId()).isEqualTo("m1");
      assertThat(change.next().history()).extracting(SnoozeState.HistoryEvent::kind).containsExactly(EventKind.WAKE);
    }

    @Test
    void furtherActivityWhileWakingNeverWakesAgainAndWritesOnlyPastTheGranularity() {
      SnoozeState waking = Decisions.onActivity(SnoozeState.initial(), activity("m1", T0), POLICY, T0, "c1").next();

      Change<Action> soon = Decisions.onActivity(waking, activity("m2", T0.plusSeconds(9)), POLICY, T0.plusSeconds(9), "c2");
      assertThat(soon.result()).isEqualTo(Action.NONE);
      assertThat(soon.next()).as("under the granularity: no write").isNull();

      Change<Action> later = Decisions.onActivity(waking, activity("m3", T0.plusSeconds(10)), POLICY, T0.plusSeconds(10), "c3");
      assertThat(later.result()).isEqualTo(Action.NONE);
      assertThat(later.next().lastActivity()).isEqualTo(T0.plusSeconds(10));
      assertThat(later.next().claim().id()).isEqualTo("c1");
    }

    @Test
    void anOlderMessageArrivingLateNeverMovesLastActivityBack() {
      SnoozeState state = awake(T0.plusSeconds(60));

      Change<Action> late = Decisions.onActivity(state, activity("old", T0), POLICY, T0.plusSeconds(61), "c");

      assertThat(late.next()).isNull();
      assertThat(late.result()).isEqualTo(Action.NONE);
    }

    @Test
    void aRedeliveredClaimingMessageFinishesItsWakeWithTheSameRequestId() {
      SnoozeState waking = Decisions.onActivity(SnoozeState.initial(), activity("m1", T0), POLICY, T0, "c1").next();

      Change<Action> again = Decisions.onActivity(waking, activity("m1", T0), POLICY, T0.plusSeconds(5), "c9");

      assertThat(again.result()).isInstanceOf(Action.Wake.class);
      assertThat(((Action.Wake) again.result()).requestId()).isEqualTo("c1");
      assertThat(again.next()).isNull();
    }

    @Test
    void activityTooOldToKeepTheGpuAwakeDoesNotWakeIt() {
      Instant now = T0.plus(POLICY.sleepAfter()).plusSeconds(1);

      Change<Action> stale = Decisions.onActivity(SnoozeState.initial(), activity("m1", T0), POLICY, now, "c1");

      assertThat(stale.result()).isEqualTo(Action.NONE);
      assertThat(stale.next().phase()).isEqualTo(Phase.ASLEEP);
      assertThat(stale.next().lastActivity()).isEqualTo(T0);
    }

    @Test
    void activityWhileGoingToSleepWakesAgain() {
      SnoozeState sleeping = Decisions.onTick(awake(T0), Map.of("snooze-gpu", SERVING), POLICY, T0.plus(POLICY.sleepAfter()), "s1").next();
      assertThat(sleeping.phase()).isEqualTo(Phase.SLEEPING);

      Instant now = T0.plus(POLICY.sleepAfter()).plusSeconds(1);
      Change<Action> change = Decisions.onActivity(sleeping, activity("m2", now), POLICY, now, "c2");

      assertThat(change.result()).isInstanceOf(Action.Wake.class);
      assertThat(change.next().phase()).isEqualTo(Phase.WAKING);
    }

    @Test
    void heartbeatsRecordRequestsInFlight() {
      SnoozeState state = awake(T0);

      SnoozeState next = Decisions.onActivity(state, heartbeat("h1", T0.plusSeconds(3), 2), POLICY, T0.plusSeconds(3), "c").next();

      assertThat(next.inFlight(T0.plusSeconds(3), POLICY.heartbeatTtl())).isEqualTo(2);
      assertThat(next.frontends()).extracting(SnoozeState.Report::at).containsExactly(T0.plusSeconds(3));
      assertThat(next.lastActivity()).as("within the granularity").isEqualTo(T0);
    }
  }

  @Nested
  class Tick {
    @Test
    void aWakingMigThatServesIsAwake() {
      SnoozeState waking = Decisions.onActivity(SnoozeState.initial(), activity("m1", T0), POLICY, T0, "c1").next();

      assertThat(Decisions.onTick(waking, Map.of("snooze-gpu", BOOTING), POLICY, T0.plusSeconds(5), "t").next()).isNull();
      Change<Action> change = Decisions.onTick(waking, Map.of("snooze-gpu", SERVING), POLICY, T0.plusSeconds(25), "t");
      assertThat(change.next().phase()).isEqualTo(Phase.AWAKE);
      assertThat(change.result()).isEqualTo(Action.NONE);
    }

    @Test
    void sleepsOnlyOnceIdleForTheTimeoutPlusTheGranularity() {
      SnoozeState state = awake(T0);

      Change<Action> early = Decisions.onTick(state, Map.of("snooze-gpu", SERVING), POLICY, T0.plus(POLICY.sleepAfter()).minusMillis(1), "s1");
      assertThat(early.result()).isEqualTo(Action.NONE);

      Change<Action> due = Decisions.onTick(state, Map.of("snooze-gpu", SERVING), POLICY, T0.plus(POLICY.sleepAfter()), "s1");
      assertThat(due.result()).isEqualTo(new Action.Sleep("s1", "idle for 2m10s (idle timeout 2m)"));
      assertThat(due.next().phase()).isEqualTo(Phase.SLEEPING);
      assertThat(due.next().history()).extracting(SnoozeState.HistoryEvent::kind)
          .containsExactly(EventKind.WAKE, EventKind.SLEEP);
    }

    @Test
    void aRequestInFlightHoldsOffSleepUntilItsHeartbeatExpires() {
      // A short idle timeout: a long request outlives it, and only its heartbeat keeps the GPU.
      Policy shortIdle = new Policy(Duration.ofMinutes(1), 1, Duration.ofSeconds(10),
          Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2), List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)), Duration.ofMinutes(2));
      Instant beat = T0.plusSeconds(5);
      SnoozeState state = Decisions.onActivity(awake(T0), heartbeat("h", beat, 1), shortIdle, beat, "c").next();
      assertThat(state.lastActivity()).as("within the granularity").isEqualTo(T0);

      Instant idleNow = T0.plus(shortIdle.sleepAfter());
      assertThat(Decisions.onTick(state, Map.of("snooze-gpu", SERVING), shortIdle, idleNow, "s").result()).isEqualTo(Action.NONE);
      Instant expired = beat.plus(shortIdle.heartbeatTtl());
      assertThat(Decisions.onTick(state, Map.of("snooze-gpu", SERVING), shortIdle, expired, "s").result()).isInstanceOf(Action.Sleep.class);
    }

    @Test
    void aWakeStuckPastTheWakeTimeoutIsAnErrorNamingTheStockout() {
      SnoozeState waking = Decisions.onActivity(SnoozeState.initial(), activity("m1", T0), POLICY, T0, "c1").next();
      MigView.MigError stockout = new MigView.MigError("ZONE_RESOURCE_POOL_EXHAUSTED",
          "The zone 'projects/p/zones/us-central1-a' does not have enough resources", T0.plusSeconds(3));
      MigView stuck = new MigView(1, 0, false,
          List.of(new MigView.Instance("gpu-a1b2", "us-central1-a", "", "", "CREATING")), stockout);
      // Keep the activity fresh so that idleness is not what ends it.
      SnoozeState busy = waking.withActivity(T0.plus(POLICY.wakeTimeout()), "frontend");

      Change<Action> surfaced = Decisions.onTick(busy, Map.of("snooze-gpu", stuck), POLICY, T0.plusSeconds(30), "t");
      assertThat(surfaced.next().phase()).isEqualTo(Phase.WAKING);
      assertThat(surfaced.next().lastError().code()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");

      Change<Action> overdue = Decisions.onTick(busy, Map.of("snooze-gpu", stuck), POLICY, T0.plus(POLICY.wakeTimeout()).plusSeconds(1), "t");
      assertThat(overdue.next().phase()).isEqualTo(Phase.ERROR);
      assertThat(overdue.next().lastError().code()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");

      Change<Action> recovered = Decisions.onTick(overdue.next(), Map.of("snooze-gpu", SERVING), POLICY, T0.plus(POLICY.wakeTimeout()).plusSeconds(70), "t");
      assertThat(recovered.next().phase()).isEqualTo(Phase.AWAKE);
      assertThat(recovered.next().lastError()).isNull();
    }

    @Test
    void anAwakeMigFoundAtZeroWithRecentActivityIsWokenAgain() {
      SnoozeState state = awake(T0).withActivity(T0.plusSeconds(150), "frontend");

      Change<Action> change = Decisions.onTick(state, Map.of("snooze-gpu", EMPTY), POLICY, T0.plusSeconds(160), "r1");

      assertThat(change.result()).isInstanceOf(Action.Wake.class);
      assertThat(((Action.Wake) change.result()).reason()).startsWith("reconcile: MIG snooze-gpu at target size 0");
      assertThat(change.next().phase()).isEqualTo(Phase.WAKING);
    }

    @Test
    void aFreshWakeClaimIsNotReissuedBeforeItsLease() {
      SnoozeState waking = Decisions.onActivity(SnoozeState.initial(), activity("m1", T0), POLICY, T0, "c1").next();

      assertThat(Decisions.onTick(waking, Map.of("snooze-gpu", EMPTY), POLICY, T0.plusSeconds(30), "r").result()).isEqualTo(Action.NONE);
      assertThat(Decisions.onTick(waking, Map.of("snooze-gpu", EMPTY), POLICY, T0.plus(POLICY.claimLease()), "r").result())
          .isInstanceOf(Action.Wake.class);
    }

    @Test
    void instancesRunningWhileAsleepAreStopped() {
      Change<Action> change = Decisions.onTick(SnoozeState.initial(), Map.of("snooze-gpu", SERVING), POLICY, T0, "s1");

      assertThat(change.result()).isInstanceOf(Action.Sleep.class);
      assertThat(Decisions.onTick(SnoozeState.initial(), Map.of("snooze-gpu", EMPTY), POLICY, T0, "s1").next()).isNull();
    }

    @Test
    void anAbandonedSleepWithTheMigAtZeroEndsAsleep() {
      SnoozeState sleeping = Decisions.onTick(awake(T0), Map.of("snooze-gpu", SERVING), POLICY, T0.plus(POLICY.sleepAfter()), "s1").next();
      Instant later = T0.plus(POLICY.sleepAfter()).plus(POLICY.claimLease());

      Change<Action> change = Decisions.onTick(sleeping, Map.of("snooze-gpu", EMPTY), POLICY, later, "s2");

      assertThat(change.next().phase()).isEqualTo(Phase.ASLEEP);
      assertThat(change.result()).isEqualTo(Action.NONE);
    }
  }

  @Nested
  class AfterSleep {
    @Test
    void anUncontestedSleepEndsAsleep() {
      Instant at = T0.plus(POLICY.sleepAfter());
      SnoozeState sleeping = Decisions.onTick(awake(T0), Map.of("snooze-gpu", SERVING), POLICY, at, "s1").next();

      Change<Action> change = Decisions.afterSleep(sleeping, POLICY, "s1", at.plusSeconds(2), "w");

      assertThat(change.next().phase()).isEqualTo(Phase.ASLEEP);
      assertThat(change.next().claim()).isNull();
      assertThat(change.result()).isEqualTo(Action.NONE);
    }

    @Test
    void aWakeThatRacedTheSleepIsReissuedUnderANewRequestId() {
      Instant at = T0.plus(POLICY.sleepAfter());
      SnoozeState sleeping = Decisions.onTick(awake(T0), Map.of("snooze-gpu", SERVING), POLICY, at, "s1").next();
      SnoozeState woken = Decisions.onActivity(sleeping, activity("m9", at.plusSeconds(1)), POLICY, at.plusSeconds(1), "c9").next();

      Change<Action> change = Decisions.afterSleep(woken, POLICY, "s1", at.plusSeconds(2), "w2");

      assertThat(change.result()).isEqualTo(new Action.Wake("w2", "a wake arrived while going to sleep", "snooze-gpu", 1));
      assertThat(change.next()).isNull();
    }
  }

  @Test
  void aHundredActivitiesInARowClaimExactlyOneWake() {
    InMemoryStateStore store = new InMemoryStateStore();
    int wakes = 0;
    for (int i = 0; i < 100; i++) {
      Instant at = T0.plusMillis(i * 50L);
      Activity activity = activity("m" + i, at);
      String claim = "c" + i;
      Action action = store.update(s -> Decisions.onActivity(s, activity, POLICY, at, claim));
      if (action instanceof Action.Wake) {
        wakes++;
      }
    }
    assertThat(wakes).isEqualTo(1);
    assertThat(store.writes()).as("one claim, then a write per granularity step").isEqualTo(1);
  }
}
