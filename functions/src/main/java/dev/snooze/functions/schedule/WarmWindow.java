package dev.snooze.functions.schedule;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time the operator wants the GPU kept awake, e.g. {@code Mon-Fri 09:00-17:30 Europe/Warsaw}:
 * on each of {@code days}, from {@code start} to {@code end} in {@code zone}'s local time. An end
 * at or before the start runs past midnight into the next day ({@code Fri 22:00-02:00}: Friday
 * night into Saturday). Local times are mapped to instants as {@link ZonedDateTime#of} does: a
 * time that falls in a daylight-saving gap moves forward by the gap, and one that falls in an
 * overlap takes the earlier offset, so a window across a change is an hour shorter or longer, as a
 * wall clock says.
 *
 * @param days the days a window starts on, in {@code zone}
 */
public record WarmWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {
  /** How it is written, for error messages and docs. */
  public static final String FORMAT = "DAYS HH:MM-HH:MM ZONE, DAYS a day (Mon), a range (Mon-Fri) or a"
      + " comma-separated list (Mon,Wed,Fri) of Mon Tue Wed Thu Fri Sat Sun, or Daily; ZONE an IANA time"
      + " zone (Europe/Warsaw, UTC), e.g. Mon-Fri 09:00-17:30 Europe/Warsaw";

  private static final Pattern SHAPE = Pattern.compile(
      "(\\S+)\\s+(\\d{1,2}:\\d{2})\\s*-\\s*(\\d{1,2}:\\d{2})\\s+(\\S+)");
  private static final String[] DAY_NAMES = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

  public WarmWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(zone, "zone");
    if (days == null || days.isEmpty()) {
      throw new IllegalArgumentException("a warm window needs at least one day");
    }
    if (start.equals(end)) {
      throw new IllegalArgumentException("a warm window's start and end are both " + start
          + ": give it a length (for all day, 00:00-23:59)");
    }
    days = Set.copyOf(EnumSet.copyOf(days));
  }

  /** Reads one window in {@link #FORMAT}. */
  public static WarmWindow parse(String text) {
    String written = text == null ? "" : text.strip();
    Matcher m = SHAPE.matcher(written);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + written + "' is not a warm window: write " + FORMAT);
    }
    Set<DayOfWeek> days = days(m.group(1));
    LocalTime start = time(m.group(2), written);
    LocalTime end = time(m.group(3), written);
    ZoneId zone;
    try {
      zone = ZoneId.of(m.group(4));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + m.group(4) + "' in '" + written
          + "' is not an IANA time zone: use a name such as Europe/Warsaw, America/New_York or UTC");
    }
    return new WarmWindow(days, start, end, zone);
  }

  /** The instants of the window that starts on {@code date} (whether or not it is one of its days). */
  Span on(LocalDate date) {
    ZonedDateTime from = ZonedDateTime.of(date, start, zone);
    ZonedDateTime to = ZonedDateTime.of(end.isAfter(start) ? date : date.plusDays(1), end, zone);
    return new Span(this, from.toInstant(), to.toInstant());
  }

  /** The occurrence that covers {@code at}, or null: it began today or, past midnight, yesterday. */
  public Span covering(Instant at) {
    LocalDate today = at.atZone(zone).toLocalDate();
    for (LocalDate date : new LocalDate[] {today.minusDays(1), today}) {
      if (days.contains(date.getDayOfWeek())) {
        Span span = on(date);
        if (span.contains(at)) {
          return span;
        }
      }
    }
    return null;
  }

  /** The first occurrence that starts after {@code at}. */
  public Span next(Instant at) {
    LocalDate date = at.atZone(zone).toLocalDate().minusDays(1);
    for (int i = 0; i < 9; i++, date = date.plusDays(1)) {
      if (days.contains(date.getDayOfWeek())) {
        Span span = on(date);
        if (span.from().isAfter(at)) {
          return span;
        }
      }
    }
    throw new IllegalStateException("no occurrence of " + this + " within a week of " + at);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (DayOfWeek day : EnumSet.copyOf(days)) {
      text.append(text.isEmpty() ? "" : ",").append(pretty(day));
    }
    return text + " " + start + "-" + end + " " + zone.getId();
  }

  /** One occurrence of a window: from (inclusive) to (exclusive). */
  public record Span(WarmWindow window, Instant from, Instant to) {
    public boolean contains(Instant at) {
      return !at.isBefore(from) && at.isBefore(to);
    }
  }

  private static Set<DayOfWeek> days(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.equals("daily")) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String part : lower.split(",", -1)) {
      String[] range = part.split("-", -1);
      if (range.length == 1) {
        days.add(day(range[0], text));
      } else if (range.length == 2) {
        DayOfWeek from = day(range[0], text);
        DayOfWeek to = day(range[1], text);
        // Fri-Mon wraps over the weekend, as people write it.
        for (DayOfWeek d = from; ; d = d.plus(1)) {
          days.add(d);
          if (d == to) {
            break;
          }
        }
      } else {
        throw new IllegalArgumentException("'" + text + "' is not a set of days: write Mon, Mon-Fri, Mon,Wed,Fri or Daily");
      }
    }
    return days;
  }

  private static DayOfWeek day(String name, String days) {
    for (int i = 0; i < DAY_NAMES.length; i++) {
      if (DAY_NAMES[i].equals(name)) {
        return DayOfWeek.of(i + 1);
      }
    }
    throw new IllegalArgumentException("'" + name + "' in '" + days + "' is not a day: use Mon Tue Wed Thu Fri Sat Sun");
  }

  private static LocalTime time(String text, String window) {
    try {
      String padded = text.length() == 4 ? "0" + text : text;
      return LocalTime.parse(padded);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' in '" + window + "' is not a time of day: write HH:MM, 00:00 to 23:59");
    }
  }

  private static String pretty(DayOfWeek day) {
    String name = DAY_NAMES[day.getValue() - 1];
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
