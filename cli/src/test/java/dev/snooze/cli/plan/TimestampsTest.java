package dev.snooze.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void theFastPathReadsWhatJavaTimeReads() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    for (int k = 0; k < 20_000; k++) {
      long seconds = random.nextLong(-2_000_000_000L, 4_000_000_000L);
      int nanos = random.nextInt(1_000_000_000);
      ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-14 * 4, 14 * 4 + 1) * 15 * 60);
      int digits = random.nextInt(10);
      String pattern = "yyyy-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + "S".repeat(digits))
          + (random.nextBoolean() ? "XXX" : "XX");
      String text = DateTimeFormatter.ofPattern(pattern).format(Instant.ofEpochSecond(seconds, nanos).atOffset(offset));

      assertThat(Timestamps.iso(text)).as(text)
          .isEqualTo(OffsetDateTime.parse(text, DateTimeFormatter.ofPattern(pattern)).toInstant().toEpochMilli());
    }
  }

  @Test
  void otherIsoShapesGoToJavaTime() throws Exception {
    assertThat(Timestamps.iso("2026-12-03T10:00Z")).isEqualTo(Instant.parse("2026-12-03T10:00:00Z").toEpochMilli());
    assertThat(Timestamps.iso("2028-02-29T23:59:59.999-01:00")).isEqualTo(Instant.parse("2028-03-01T00:59:59.999Z").toEpochMilli());
    assertThatThrownBy(() -> Timestamps.iso("2026-02-30T10:00:00Z")).isInstanceOf(Timestamps.BadValue.class);
  }

  @Test
  void epochSecondsAreExactToTheMillisecond() throws Exception {
    assertThat(Timestamps.instant("1796292005")).isEqualTo(1796292005_000L);
    assertThat(Timestamps.instant("1796292005.1")).isEqualTo(1796292005_100L);
    assertThat(Timestamps.instant("1796292005.123456")).isEqualTo(1796292005_123L);
    assertThat(Timestamps.instant("0.5")).isEqualTo(500);
  }

  @Test
  void latenciesAreSecondsWithAnS() throws Exception {
    assertThat(Timestamps.latency("5.120s")).isEqualTo(5120);
    assertThat(Timestamps.latency("12s")).isEqualTo(12_000);
    assertThat(Timestamps.latency("0.000400s")).isZero();
    assertThat(Timestamps.latency("0.0005s")).isEqualTo(1);
    assertThat(Timestamps.latency(".25s")).isEqualTo(250);
    for (String bad : new String[] {"s", "5", "-1s", "1.2.3s", "1e3s", "five s", "."}) {
      assertThatThrownBy(() -> Timestamps.latency(bad)).as(bad).isInstanceOf(Timestamps.BadValue.class)
          .hasMessageContaining("is not seconds such as \"5.120s\"");
    }
  }
}
