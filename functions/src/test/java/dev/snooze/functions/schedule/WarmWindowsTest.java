package dev.snooze.functions.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Warm windows as an operator writes them, across midnight and daylight-saving changes. */
class WarmWindowsTest {
  private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

  /** A wall-clock time in Warsaw (the earlier offset in an overlap). */
  private static Instant warsaw(String local) {
    return LocalDateTime.parse(local).atZone(WARSAW).toInstant();
  }

  @Test
  void officeHoursCoverWeekdaysOnlyFromStartToEnd() {
    WarmWindows office = WarmWindows.parse("Mon-Fri 09:00-17:30 Europe/Warsaw");
    // 2026-12-04 is a Friday.
    assertThat(office.wanting(warsaw("2026-12-04T09:00"), Duration.ZERO)).isNotNull();
    assertThat(office.wanting(warsaw("2026-12-04T17:29:59"), Duration.ZERO)).isNotNull();
    assertThat(office.wanting(warsaw("2026-12-04T17:30"), Duration.ZERO)).as("the end is exclusive").isNull();
    assertThat(office.wanting(warsaw("2026-12-05T10:00"), Duration.ZERO)).as("Saturday").isNull();
    assertThat(office.next(warsaw("2026-12-04T18:00")).from()).as("after Friday: Monday")
        .isEqualTo(warsaw("2026-12-07T09:00"));
  }

  @Test
  void theGpuIsWantedTheWakeTimeBeforeTheWindowStartsSoThatItIsReadyThen() {
    WarmWindows office = WarmWindows.parse("Mon-Fri 09:00-17:30 Europe/Warsaw");
    Duration wake = Duration.ofMinutes(4);
    assertThat(office.wanting(warsaw("2026-12-07T08:55:59"), wake)).isNull();
    WarmWindow.Span early = office.wanting(warsaw("2026-12-07T08:56"), wake);
    assertThat(early.from()).isEqualTo(warsaw("2026-12-07T09:00"));
    assertThat(early.to()).isEqualTo(warsaw("2026-12-07T17:30"));
  }

  @Test
  void aWindowEndingAtOrBeforeItsStartRunsPastMidnightFromItsOwnDay() {
    WarmWindows night = WarmWindows.parse("Fri 22:00-02:00 Europe/Warsaw");
    assertThat(night.wanting(warsaw("2026-12-05T01:59"), Duration.ZERO)).as("Saturday 01:59, Friday's window")
        .isNotNull();
    assertThat(night.wanting(warsaw("2026-12-05T02:00"), Duration.ZERO)).isNull();
    assertThat(night.wanting(warsaw("2026-12-04T01:00"), Duration.ZERO)).as("Friday 01:00: Thursday has none")
        .isNull();
  }

  @Test
  void daylightSavingChangesMakeTheWindowAnHourShorterOrLongerAsTheWallClockSays() {
    // 2026-03-29 02:00 -> 03:00 in Warsaw; 2026-10-25 03:00 -> 02:00.
    WarmWindows nightly = WarmWindows.parse("Daily 01:00-05:00 Europe/Warsaw");
    WarmWindow.Span spring = nightly.wanting(warsaw("2026-03-29T01:30"), Duration.ZERO);
    assertThat(Duration.between(spring.from(), spring.to())).isEqualTo(Duration.ofHours(3));
    WarmWindow.Span autumn = nightly.wanting(warsaw("2026-10-25T01:30"), Duration.ZERO);
    assertThat(Duration.between(autumn.from(), autumn.to())).isEqualTo(Duration.ofHours(5));

    // A start inside the spring gap (02:30 does not exist that night) moves forward by the gap.
    WarmWindows gap = WarmWindows.parse("Sun 02:30-04:00 Europe/Warsaw");
    WarmWindow.Span moved = gap.next(warsaw("2026-03-28T12:00"));
    assertThat(moved.from()).isEqualTo(Instant.parse("2026-03-29T01:30:00Z")); // 03:30 CEST
    assertThat(moved.to()).isEqualTo(Instant.parse("2026-03-29T02:00:00Z")); // 04:00 CEST
  }

  @Test
  void severalWindowsTheOneThatEndsLastWinsAndNextIsTheEarliestStart() {
    WarmWindows two = WarmWindows.parse("Mon-Fri 09:00-17:30 Europe/Warsaw; Wed 16:00-20:00 UTC");
    // Wednesday 2026-12-09, 17:00 Warsaw = 16:00 UTC: both cover it; the UTC one ends later.
    WarmWindow.Span span = two.wanting(warsaw("2026-12-09T17:00"), Duration.ZERO);
    assertThat(span.to()).isEqualTo(Instant.parse("2026-12-09T20:00:00Z"));
    assertThat(two.next(Instant.parse("2026-12-08T18:00:00Z")).from()).isEqualTo(warsaw("2026-12-09T09:00"));
    assertThat(two.toString()).isEqualTo("Mon,Tue,Wed,Thu,Fri 09:00-17:30 Europe/Warsaw; Wed 16:00-20:00 UTC");
    assertThat(WarmWindows.parse("Fri-Mon 10:00-11:00 UTC").windows().get(0).days()).hasSize(4);
    assertThat(WarmWindows.parse("  ").isEmpty()).isTrue();
  }

  @Test
  void aMalformedWindowIsNamedWithHowToWriteIt() {
    assertThatThrownBy(() -> WarmWindows.parse("Mon-Fri 9-17 Europe/Warsaw"))
        .hasMessageStartingWith("window 1: 'Mon-Fri 9-17 Europe/Warsaw' is not a warm window: write DAYS HH:MM-HH:MM ZONE");
    assertThatThrownBy(() -> WarmWindows.parse("Mon-Fri 09:00-17:30 Europe/Warsaw; Mo 10:00-11:00 UTC"))
        .hasMessage("window 2: 'mo' in 'Mo' is not a day: use Mon Tue Wed Thu Fri Sat Sun");
    assertThatThrownBy(() -> WarmWindows.parse("Mon 25:00-26:00 UTC"))
        .hasMessageContaining("'25:00' in 'Mon 25:00-26:00 UTC' is not a time of day");
    assertThatThrownBy(() -> WarmWindows.parse("Mon 09:00-17:00 Mars/Olympus"))
        .hasMessageContaining("'Mars/Olympus' in 'Mon 09:00-17:00 Mars/Olympus' is not an IANA time zone");
    assertThatThrownBy(() -> WarmWindows.parse("Mon 09:00-09:00 UTC")).hasMessageContaining("give it a length");
    assertThatThrownBy(() -> WarmWindows.parse("Mon 09:00-10:00 UTC;")).hasMessage("window 2 is empty: separate windows with one ';'");
  }
}
