package dev.snooze.frontend.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What Status's JSON says of the budget, and the Retry-After it gives. */
class OverBudgetTest {
  private static final Instant NOW = Instant.parse("2026-12-03T20:47:30Z");
  private static final String RESET = "2026-12-03T23:00:00Z";

  private static JsonObject status(String phase, Object exhausted, Object reason, Object resetsAt) {
    return new JsonObject().put("phase", phase).put("budget", new JsonObject().put("zone", "Europe/Warsaw")
        .put("exhausted", exhausted).put("reason", reason).put("resetsAt", resetsAt));
  }

  @Test
  void exhaustedIsTheBudgetUsedUpWithItsReasonAndResetWhateverThePhase() {
    for (String phase : new String[] {"OVER_BUDGET", "AWAKE", "SLEEPING", "SOMETHING_NEW"}) {
      assertThat(OverBudget.of(status(phase, true, "the budget of 8 GPU hours per day is used up", RESET)))
          .isEqualTo(new OverBudget("the budget of 8 GPU hours per day is used up", Instant.parse(RESET)));
    }
  }

  @Test
  void notExhaustedOrNothingSaidIsWithinTheBudget() {
    assertThat(OverBudget.of(status("ASLEEP", false, null, null))).isNull();
    assertThat(OverBudget.of(status("AWAKE", "true", null, null))).as("only JSON true counts").isNull();
    assertThat(OverBudget.of(status("AWAKE", null, null, null))).isNull();
    assertThat(OverBudget.of(new JsonObject().put("phase", "AWAKE"))).as("an older function").isNull();
    assertThat(OverBudget.of(new JsonObject())).isNull();
    assertThat(OverBudget.of(null)).isNull();
  }

  @Test
  void theBudgetObjectDecidesOverThePhase() {
    assertThat(OverBudget.of(status("OVER_BUDGET", false, null, null))).isNull();
    assertThat(OverBudget.of(new JsonObject().put("phase", "OVER_BUDGET")))
        .as("a phase without a budget object").isEqualTo(new OverBudget(OverBudget.SOME_REASON, null));
  }

  @Test
  void aMissingReasonOrAnUnreadableResetIsNoObstacle() {
    assertThat(OverBudget.of(status("AWAKE", true, null, "tomorrow"))).isEqualTo(new OverBudget(OverBudget.SOME_REASON, null));
    assertThat(OverBudget.of(status("AWAKE", true, " ", 42))).isEqualTo(new OverBudget(OverBudget.SOME_REASON, null));
  }

  @Test
  void retryAfterIsTheSecondsUntilTheResetRoundedUpAtLeastOne() {
    OverBudget over = new OverBudget("used up", Instant.parse(RESET));
    assertThat(over.retryAfterSeconds(NOW)).isEqualTo(2 * 3600 + 12 * 60 + 30);
    assertThat(over.retryAfterSeconds(Instant.parse("2026-12-03T22:59:59.200Z"))).isEqualTo(1);
    assertThat(over.retryAfterSeconds(Instant.parse("2026-12-03T22:59:58.200Z"))).isEqualTo(2);
    assertThat(over.retryAfterSeconds(Instant.parse("2026-12-03T23:00:05Z"))).isEqualTo(1);
    assertThat(new OverBudget("used up", null).retryAfterSeconds(NOW)).isEqualTo(OverBudget.UNKNOWN_RESET_SECONDS);
  }

  @Test
  void aVerdictStandsUntilItsReset() {
    OverBudget over = new OverBudget("used up", Instant.parse(RESET));
    assertThat(over.at(NOW)).isTrue();
    assertThat(over.at(Instant.parse(RESET))).isFalse();
    assertThat(new OverBudget("used up", null).at(NOW)).isTrue();
  }
}
