package dev.snooze.cli.plan;

import dev.snooze.config.Env;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them on a command line ({@code 15m}, {@code 1h30m}, {@code 90s},
 * {@code 500ms}), and as the functions' settings are written (seconds {@code 120}, ISO-8601
 * {@code PT2M}); and back, as short as they read in a table.
 */
final class Durations {
  private static final Pattern UNITS = Pattern.compile(
      "(?:(\\d+(?:\\.\\d+)?)h)?(?:(\\d+(?:\\.\\d+)?)m(?!s))?(?:(\\d+(?:\\.\\d+)?)s)?(?:(\\d+)ms)?");

  private Durations() {}

  /**
   * @throws IllegalArgumentException saying how to write one
   */
  static Duration parse(String text) {
    String written = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Matcher m = UNITS.matcher(written);
    if (!written.isEmpty() && m.matches() && (m.group(1) != null || m.group(2) != null || m.group(3) != null
        || m.group(4) != null)) {
      double millis = part(m.group(1), 3_600_000) + part(m.group(2), 60_000) + part(m.group(3), 1000)
          + part(m.group(4), 1);
      return Duration.ofMillis(Math.round(millis));
    }
    Duration plain = written.isEmpty() ? null : Env.parseDuration(written);
    if (plain == null || plain.isNegative()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: write e.g. 15m, 90s, 1h30m, 500ms,"
          + " seconds (120) or ISO-8601 (PT2M)");
    }
    return plain;
  }

  private static double part(String number, long unitMillis) {
    return number == null ? 0 : Double.parseDouble(number) * unitMillis;
  }

  /** {@code 15m}, {@code 1m38s}, {@code 2h}, {@code 1.5s}, {@code 0s}: the shortest exact form. */
  static String format(Duration duration) {
    return format(duration.toMillis());
  }

  static String format(long millis) {
    if (millis == 0) {
      return "0s";
    }
    StringBuilder text = new StringBuilder(millis < 0 ? "-" : "");
    long left = Math.abs(millis);
    long hours = left / 3_600_000;
    left -= hours * 3_600_000;
    long minutes = left / 60_000;
    left -= minutes * 60_000;
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (left > 0) {
      if (left % 1000 == 0) {
        text.append(left / 1000).append('s');
      } else if (hours == 0 && minutes == 0 && left < 1000) {
        text.append(left).append("ms");
      } else {
        text.append(String.format(Locale.ROOT, "%.3f", left / 1000.0).replaceAll("0+$", "")).append('s');
      }
    }
    return text.toString();
  }

  /**
   * A wait as a table shows it: to the second above ten seconds ({@code 3m52s}), to the tenth
   * below ({@code 1.5s}), since a p95 of waits is not exact to the millisecond anyway.
   */
  static String waited(long millis) {
    if (millis < 10_000) {
      long tenths = Math.round(millis / 100.0);
      return tenths % 10 == 0 ? tenths / 10 + "s" : String.format(Locale.ROOT, "%.1fs", tenths / 10.0);
    }
    return format(Math.round(millis / 1000.0) * 1000);
  }
}
