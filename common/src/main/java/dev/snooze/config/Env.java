package dev.snooze.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads configuration from environment variables, collecting every problem so that one start
 * reports all of them, each with the variable's name and what to set it to.
 */
public final class Env {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public Env(Map<String, String> env) {
    this.env = env;
  }

  /** The trimmed value, or null when unset or blank. */
  public String raw(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  public String string(String name, String fallback, Pattern pattern, String expected) {
    String raw = raw(name);
    if (raw == null) {
      return fallback;
    }
    if (!pattern.matcher(raw).matches()) {
      problem(name + "=" + raw + " is invalid: set it to " + expected);
      return fallback;
    }
    return raw;
  }

  public int integer(String name, int fallback, int min, int max) {
    String raw = raw(name);
    if (raw == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problem(name + "=" + raw + " is invalid: set it to a whole number from " + min + " to " + max);
    return fallback;
  }

  /** A positive duration: seconds ({@code 120}, {@code 2.5}) or ISO-8601 ({@code PT2M}). */
  public Duration duration(String name, Duration fallback) {
    return duration(name, fallback, false);
  }

  /** Like {@link #duration}, where zero ({@code 0}, {@code PT0S}) means "none" and is allowed. */
  public Duration durationOrZero(String name, Duration fallback) {
    return duration(name, fallback, true);
  }

  private Duration duration(String name, Duration fallback, boolean zeroAllowed) {
    String raw = raw(name);
    if (raw == null) {
      return fallback;
    }
    Duration parsed = parseDuration(raw);
    if (parsed == null || parsed.isNegative() || parsed.isZero() && !zeroAllowed) {
      problem(name + "=" + raw + " is not a " + (zeroAllowed ? "non-negative" : "positive")
          + " duration: give seconds (e.g. 120) or ISO-8601 (e.g. PT2M)");
      return fallback;
    }
    return parsed;
  }

  public <E extends Enum<E>> E choice(String name, E fallback, Class<E> type) {
    String raw = raw(name);
    if (raw == null) {
      return fallback;
    }
    for (E value : type.getEnumConstants()) {
      if (value.name().equalsIgnoreCase(raw)) {
        return value;
      }
    }
    List<String> names = new ArrayList<>();
    for (E value : type.getEnumConstants()) {
      names.add(value.name().toLowerCase(Locale.ROOT));
    }
    problem(name + "=" + raw + " is invalid: set it to one of " + String.join(", ", names));
    return fallback;
  }

  public void problem(String message) {
    problems.add(message);
  }

  /** @throws IllegalArgumentException listing every problem found */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid configuration:\n  " + String.join("\n  ", problems));
    }
  }

  /** Seconds or ISO-8601; null when it is neither. */
  public static Duration parseDuration(String raw) {
    try {
      if (raw.matches("\\d+(\\.\\d+)?")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(raw) * 1000));
      }
      return Duration.parse(raw.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }
}
