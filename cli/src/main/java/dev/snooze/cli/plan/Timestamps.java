package dev.snooze.cli.plan;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The instants and latencies of request logs, in epoch milliseconds. A million log lines hold a
 * million timestamps, so the usual shape ({@code 2026-12-03T10:00:05.123Z}, or with an offset) is
 * read by hand, without objects; anything else ISO-8601 allows goes to {@link DateTimeFormatter}.
 * A timestamp without an offset is refused: the same line means different instants in different
 * zones, and a plan on the wrong hours would be quietly wrong.
 */
final class Timestamps {
  /** Epoch seconds above this are surely milliseconds (year 5138). */
  private static final double MAX_EPOCH_SECONDS = 1e11;

  private Timestamps() {}

  /** A line of a log that is not what it should be; cheap (no stack trace): bad lines may be many. */
  static final class BadValue extends Exception {
    BadValue(String message) {
      super(message, null, false, false);
    }
  }

  /** A plain file's line: ISO-8601 with an offset, or epoch seconds with optional decimals. */
  static long instant(String text) throws BadValue {
    String value = text.strip();
    if (!value.isEmpty() && (Character.isDigit(value.charAt(0)) && value.indexOf('-') < 0 && value.indexOf(':') < 0)) {
      return epochSeconds(value);
    }
    return iso(value);
  }

  /** ISO-8601 with {@code Z} or an offset, e.g. {@code 2026-12-03T10:00:05.123Z}; to the millisecond. */
  static long iso(String value) throws BadValue {
    return iso(value, 0, value.length());
  }

  /** {@link #iso(String)} of {@code text[from, to)}, without copying it in the usual case. */
  static long iso(String text, int from, int to) throws BadValue {
    long fast = fastIso(text, from, to);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    String value = text.substring(from, to);
    try {
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeException e) {
      boolean noOffset = value.matches("\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?");
      throw new BadValue("'" + brief(value) + "' is not " + (noOffset
          ? "a timestamp with an offset: add Z (UTC) or the zone's offset, e.g. 2026-12-03T10:00:05Z or 2026-12-03T11:00:05+01:00"
          : "ISO-8601 with an offset (e.g. 2026-12-03T10:00:05.123Z) or epoch seconds (e.g. 1796292005.123)"));
    }
  }

  /** Epoch seconds, e.g. {@code 1796292005} or {@code 1796292005.123}. */
  static long epochSeconds(String value) throws BadValue {
    double seconds;
    try {
      seconds = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new BadValue("'" + brief(value) + "' is not ISO-8601 with an offset (e.g. 2026-12-03T10:00:05.123Z)"
          + " or epoch seconds (e.g. 1796292005.123)");
    }
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new BadValue("'" + brief(value) + "' is not epoch seconds (0 or more)");
    }
    if (seconds > MAX_EPOCH_SECONDS) {
      throw new BadValue("'" + brief(value) + "' is too large for epoch seconds: if it is milliseconds, divide by 1000");
    }
    int dot = value.indexOf('.');
    if (dot < 0) {
      return Long.parseLong(value) * 1000;
    }
    // Whole seconds exactly, the fraction rounded to the millisecond: a double would blur both.
    long whole = dot == 0 ? 0 : Long.parseLong(value.substring(0, dot));
    return whole * 1000 + Math.round(Double.parseDouble("0" + value.substring(dot)) * 1000);
  }

  /**
   * Cloud Logging's {@code latency}: seconds with an {@code s}, e.g. {@code "5.120s"},
   * {@code "0.000123s"}; to the millisecond (rounded).
   */
  static long latency(String value) throws BadValue {
    return latency(value, 0, value.length());
  }

  /** {@link #latency(String)} of {@code text[from, to)}. */
  static long latency(String text, int from, int to) throws BadValue {
    int n = to;
    if (n - from < 2 || text.charAt(n - 1) != 's') {
      throw badLatency(text, from, to);
    }
    long whole = 0;
    int i = from;
    int digits = 0;
    for (; i < n - 1 && text.charAt(i) != '.'; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9' || ++digits > 12) {
        throw badLatency(text, from, to);
      }
      whole = whole * 10 + (c - '0');
    }
    long fraction = 0; // in nanoseconds
    long scale = 100_000_000;
    if (i < n - 1) {
      i++; // the dot
      if (i == n - 1 && digits == 0) {
        throw badLatency(text, from, to);
      }
      for (; i < n - 1; i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          throw badLatency(text, from, to);
        }
        fraction += (c - '0') * scale;
        scale /= 10;
      }
    } else if (digits == 0) {
      throw badLatency(text, from, to);
    }
    return whole * 1000 + (fraction + 500_000) / 1_000_000;
  }

  private static BadValue badLatency(String text, int from, int to) {
    return new BadValue("latency '" + brief(text.substring(from, to)) + "' is not seconds such as \"5.120s\"");
  }

  /**
   * {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)}, or {@link Long#MIN_VALUE} for any other
   * shape (then the formatter decides, and names what is wrong).
   */
  private static long fastIso(String s, int from, int to) {
    int o = from;
    int n = to;
    if (n - o < 20 || s.charAt(o + 4) != '-' || s.charAt(o + 7) != '-' || s.charAt(o + 13) != ':'
        || s.charAt(o + 16) != ':') {
      return Long.MIN_VALUE;
    }
    char t = s.charAt(o + 10);
    if (t != 'T' && t != 't') {
      return Long.MIN_VALUE;
    }
    int year = digits(s, o, 4);
    int month = digits(s, o + 5, 2);
    int day = digits(s, o + 8, 2);
    int hour = digits(s, o + 11, 2);
    int minute = digits(s, o + 14, 2);
    int second = digits(s, o + 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > daysInMonth(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return Long.MIN_VALUE;
    }
    int i = o + 19;
    long millis = 0;
    if (i < n && s.charAt(i) == '.') {
      i++;
      int start = i;
      long scale = 100;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        millis += (s.charAt(i) - '0') * scale; // truncated to the millisecond, as Instant#toEpochMilli does
        scale /= 10;
        i++;
      }
      if (i == start) {
        return Long.MIN_VALUE;
      }
    }
    if (i >= n) {
      return Long.MIN_VALUE;
    }
    long offsetSeconds;
    char z = s.charAt(i);
    if ((z == 'Z' || z == 'z') && i == n - 1) {
      offsetSeconds = 0;
    } else if (z == '+' || z == '-') {
      int hours;
      int minutes;
      if (n - i == 6 && s.charAt(i + 3) == ':') {
        hours = digits(s, i + 1, 2);
        minutes = digits(s, i + 4, 2);
      } else if (n - i == 5) {
        hours = digits(s, i + 1, 2);
        minutes = digits(s, i + 3, 2);
      } else {
        return Long.MIN_VALUE;
      }
      if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59) {
        return Long.MIN_VALUE;
      }
      offsetSeconds = (hours * 3600L + minutes * 60L) * (z == '-' ? -1 : 1);
    } else {
      return Long.MIN_VALUE;
    }
    long seconds = epochDay(year, month, day) * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1000 + millis;
  }

  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
  static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yoe = y - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097L + doe - 719_468;
  }

  /** The first 60 characters: a bad value may be a whole line of something else. */
  static String brief(String value) {
    return value.length() <= 60 ? value : value.substring(0, 60) + "…";
  }
}
