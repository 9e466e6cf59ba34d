package dev.snooze.functions.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.functions.state.SnoozeState.Billing;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A Cloud Billing budget notification's body, as Google documents it (schema 1.0), and what is refused. */
class BillingNoticeTest {
  private static final Instant AT = Instant.parse("2026-12-07T06:00:00Z");

  @Test
  void readsGooglesExample() {
    Billing notice = BillingNotice.parse("""
        {"budgetDisplayName": "name-of-budget", "alertThresholdExceeded": 1.0, "costAmount": 100.01,
         "costIntervalStart": "2019-01-01T00:00:00Z", "budgetAmount": 100.00, "budgetAmountType": "SPECIFIED_AMOUNT",
         "currencyCode": "USD"}""", AT);
    assertThat(notice).isEqualTo(new Billing("name-of-budget", 100.01, 100.00, "USD",
        Instant.parse("2019-01-01T00:00:00Z"), AT));
  }

  @Test
  void aNoticeWithoutBothAmountsIsRefusedSayingWhatIsWrong() {
    assertThatThrownBy(() -> BillingNotice.parse("not json", AT)).hasMessageStartingWith("the body is not");
    assertThatThrownBy(() -> BillingNotice.parse("[1]", AT)).hasMessage("the body is not a JSON object");
    assertThatThrownBy(() -> BillingNotice.parse("{\"budgetAmount\": 5}", AT))
        .hasMessage("costAmount is missing, expected a number");
    assertThatThrownBy(() -> BillingNotice.parse("{\"costAmount\": \"5\", \"budgetAmount\": 5}", AT))
        .hasMessage("costAmount is \"5\", expected a number");
    assertThatThrownBy(() -> BillingNotice.parse("{\"costAmount\": -1, \"budgetAmount\": 5}", AT))
        .hasMessage("costAmount is -1, expected 0 or more");
    assertThatThrownBy(() -> BillingNotice.parse("{\"costAmount\": 1, \"budgetAmount\": 5, \"costIntervalStart\": \"May\"}", AT))
        .hasMessage("costIntervalStart \"May\" is not an RFC 3339 time");
  }
}
