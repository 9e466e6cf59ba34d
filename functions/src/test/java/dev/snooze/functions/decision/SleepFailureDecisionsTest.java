package dev.snooze.functions.decision;

import static dev.snooze.functions.decision.DecisionsTest.EMPTY;
import static dev.snooze.functions.decision.DecisionsTest.POLICY;
import static dev.snooze.functions.decision.DecisionsTest.SERVING;
import static dev.snooze.functions.decision.DecisionsTest.T0;
import static dev.snooze.functions.decision.DecisionsTest.activity;
import static dev.snooze.functions.decision.DecisionsTest.awake;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.StateStore.Change;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sleep whose Compute call failed transiently is retried by the very next check. */
class SleepFailureDecisionsTest {
  private static final Instant DUE = T0.plus(POLICY.sleepAfter());

  private static SnoozeState sleeping() {
    return Decisions.onTick(awake(T0), Map.of("snooze-gpu", SERVING), POLICY, DUE, "s1").next();
  }

  @Test
  void aFailedSleepFreesItsClaimSoTheNextCheckRetriesAtOnce() {
    SnoozeState failed = Decisions.onSleepFailed(sleeping(), "s1").next();

    assertThat(failed.phase()).isEqualTo(Phase.SLEEPING);
    assertThat(failed.claim()).isNull();
    // A second later, far inside the claim lease, the next check claims the sleep again.
    Change<Action> retry = Decisions.onTick(failed, Map.of("snooze-gpu", SERVING), POLICY, DUE.plusSeconds(1), "s2");
    assertThat(retry.result()).isEqualTo(new Action.Sleep("s2", "retry of an abandoned sleep"));
    assertThat(retry.next().claim().id()).isEqualTo("s2");
    assertThat(retry.next().phase()).isEqualTo(Phase.SLEEPING);
    assertThat(retry.next().history()).as("one sleep, however many attempts")
        .isEqualTo(sleeping().history());
  }

  @Test
  void withoutTheFailureTheClaimHoldsOffOtherChecksForItsLease() {
    assertThat(Decisions.onTick(sleeping(), Map.of("snooze-gpu", SERVING), POLICY, DUE.plusSeconds(1), "s2").result())
        .isEqualTo(Action.NONE);
  }

  @Test
  void aFailedSleepThatComputeCarriedOutAnywayEndsAsleep() {
    SnoozeState failed = Decisions.onSleepFailed(sleeping(), "s1").next();

    Change<Action> check = Decisions.onTick(failed, Map.of("snooze-gpu", EMPTY), POLICY, DUE.plusSeconds(1), "s2");

    assertThat(check.next().phase()).isEqualTo(Phase.ASLEEP);
    assertThat(check.result()).isEqualTo(Action.NONE);
  }

  @Test
  void anotherClaimOrAWakeIsLeftAlone() {
    SnoozeState reclaimed = Decisions.onTick(Decisions.onSleepFailed(sleeping(), "s1").next(), Map.of("snooze-gpu", SERVING), POLICY,
        DUE.plusSeconds(1), "s2").next();
    assertThat(Decisions.onSleepFailed(reclaimed, "s1").next()).isNull();

    Instant now = DUE.plusSeconds(1);
    SnoozeState waking = Decisions.onActivity(sleeping(), activity("m2", now), POLICY, now, "w1").next();
    assertThat(waking.phase()).isEqualTo(Phase.WAKING);
    assertThat(Decisions.onSleepFailed(waking, "s1").next()).isNull();
  }
}
