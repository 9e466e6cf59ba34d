package dev.snooze.functions.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.functions.state.Ledger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The ledger's arithmetic: days of the operator's zone, daylight-saving days, sizes, what is kept. */
class LedgerTest {
  private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

  private static Instant at(String local) {
    return LocalDateTime.parse(local).atZone(WARSAW).toInstant();
  }

  @Test
  void aWakeAcrossMidnightIsSplitAtTheOperatorsMidnightAndAnOpenChargeCountsUpToNow() {
    Ledger ledger = Ledger.EMPTY.opened("gpu", at("2026-12-07T23:30"), 2).closed("gpu", at("2026-12-08T00:45"), WARSAW);
    assertThat(ledger.open()).isEmpty();
    assertThat(ledger.days()).extracting(Ledger.Day::date)
        .containsExactly(LocalDate.parse("2026-12-07"), LocalDate.parse("2026-12-08"));
    LocalDate monday = LocalDate.parse("2026-12-07");
    LocalDate tuesday = LocalDate.parse("2026-12-08");
    assertThat(ledger.millis(monday, monday, at("2026-12-08T12:00"), WARSAW)).containsEntry("gpu", 2 * 30 * 60_000L);
    assertThat(ledger.millis(tuesday, tuesday, at("2026-12-08T12:00"), WARSAW)).containsEntry("gpu", 2 * 45 * 60_000L);

    Ledger again = ledger.opened("gpu", at("2026-12-08T10:00"), 1);
    assertThat(again.opened("gpu", at("2026-12-08T10:05"), 1)).as("opening an open charge again changes nothing")
        .isEqualTo(again);
    assertThat(again.millis(tuesday, tuesday, at("2026-12-08T10:10"), WARSAW))
        .containsEntry("gpu", 2 * 45 * 60_000L + 10 * 60_000L);
    assertThat(again.chargedSize()).isEqualTo(1);
    assertThat(again.discarded("gpu").millis(tuesday, tuesday, at("2026-12-08T10:10"), WARSAW))
        .as("a discarded charge counts nothing").containsEntry("gpu", 2 * 45 * 60_000L);
  }

  @Test
  void theDayTheClocksGoBackHas25HoursAndAllOfThemCount() {
    LocalDate fallBack = LocalDate.parse("2026-10-25");
    Ledger ledger = Ledger.EMPTY.opened("gpu", at("2026-10-25T00:00"), 1).closed("gpu", at("2026-10-26T00:00"), WARSAW);
    assertThat(ledger.millis(fallBack, fallBack, at("2026-10-26T00:00"), WARSAW)).containsEntry("gpu", 25 * 3_600_000L);
    LocalDate springForward = LocalDate.parse("2026-03-29");
    Ledger spring = Ledger.EMPTY.opened("gpu", at("2026-03-29T00:00"), 1).closed("gpu", at("2026-03-30T00:00"), WARSAW);
    assertThat(spring.millis(springForward, springForward, at("2026-03-30T00:00"), WARSAW))
        .containsEntry("gpu", 23 * 3_600_000L);
  }

  @Test
  void theNewestSeventyDaysAreKept() {
    Ledger ledger = Ledger.EMPTY;
    for (int day = 0; day < 100; day++) {
      Instant start = at("2026-01-01T12:00").plus(java.time.Duration.ofDays(day));
      ledger = ledger.opened("gpu", start, 1).closed("gpu", start.plusSeconds(60), WARSAW);
    }
    assertThat(ledger.days()).hasSize(Ledger.DAYS_KEPT);
    assertThat(ledger.days().get(0).date()).isEqualTo(LocalDate.parse("2026-01-01").plusDays(30));
    assertThat(ledger.millis(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-31"), at("2026-05-01T00:00"), WARSAW))
        .as("a whole month stays exact").containsEntry("gpu", 31 * 60_000L);
  }

  @Test
  void aChargeClosedBeforeItOpenedCountsNothing() {
    // An invocation that read the clock earlier commits after a newer one: time never counts backwards.
    Ledger ledger = Ledger.EMPTY.opened("gpu", at("2026-12-07T10:00:01"), 1).closed("gpu", at("2026-12-07T10:00"), WARSAW);
    assertThat(ledger.open()).isEmpty();
    assertThat(ledger.millis(LocalDate.MIN, LocalDate.MAX, at("2026-12-07T11:00"), WARSAW)).isEmpty();
  }
}
