package dev.snooze.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void durationsAreReadAsPeopleAndTheFunctionsWriteThem() {
    assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("98s")).isEqualTo(Duration.ofSeconds(98));
    assertThat(Durations.parse("2.5s")).isEqualTo(Duration.ofMillis(2500));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("120")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("PT4M")).isEqualTo(Duration.ofMinutes(4));
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageStartingWith("'soon' is not a duration");
  }

  @Test
  void tablesShowThemShort() {
    assertThat(Durations.format(Duration.ofMinutes(15))).isEqualTo("15m");
    assertThat(Durations.format(Duration.ofSeconds(98))).isEqualTo("1m38s");
    assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.waited(0)).isEqualTo("0s");
    assertThat(Durations.waited(1540)).isEqualTo("1.5s");
    assertThat(Durations.waited(232_400)).isEqualTo("3m52s");
  }
}
