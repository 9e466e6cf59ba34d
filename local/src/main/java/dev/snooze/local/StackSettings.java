package dev.snooze.local;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The local stack's knobs, read from environment variables with demo defaults and validated
 * before anything starts, so that a typo fails in the first second with the variable's name.
 */
public record StackSettings(
    int frontendPort,
    Duration idleTimeout,
    Duration sleepCheckInterval,
    Duration simBootTime,
    String project,
    Location location,
    String mig,
    String topic) {

  /** Where the GPU MIG lives: a region (the deployment's default) or a single zone. */
  public sealed interface Location {
    String name();
  }

  public record Region(String name, List<String> zones) implements Location {}

  public record Zone(String name) implements Location {}

  private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern PROJECT = Pattern.compile("[a-z][-a-z0-9]{4,28}[a-z0-9]");
  private static final Pattern ZONE = Pattern.compile("[a-z]+-[a-z]+[0-9]+-[a-z]");
  private static final Pattern REGION = Pattern.compile("[a-z]+-[a-z]+[0-9]+");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z][-A-Za-z0-9._~%+]{2,254}");

  /**
   * Reads the settings.
   *
   * @throws IllegalArgumentException naming every bad variable and how to fix it
   */
  public static StackSettings fromEnv(Map<String, String> env) {
    Reader reader = new Reader(env);
    int port = reader.port("SNOOZE_PORT", 8080);
    Duration idle = reader.duration("SNOOZE_IDLE_TIMEOUT", Duration.ofMinutes(2));
    Duration check = reader.duration("SNOOZE_SLEEP_CHECK_INTERVAL", Duration.ofSeconds(15));
    Duration boot = reader.duration("SNOOZE_SIM_BOOT_TIME", Duration.ofSeconds(20));
    String project = reader.matching("SNOOZE_PROJECT", "snooze-local", PROJECT,
        "a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter");
    String zone = reader.matching("SNOOZE_ZONE", "", ZONE, "a zone such as us-central1-a");
    String region = reader.matching("SNOOZE_REGION", "us-central1", REGION,
        "a region such as us-central1");
    String mig = reader.matching("SNOOZE_MIG", "snooze-gpu", NAME,
        "a resource name: lowercase letters, digits and hyphens, starting with a letter");
    String topic = reader.matching("SNOOZE_TOPIC", "snooze-activity", TOPIC,
        "a topic ID: 3 to 255 characters, starting with a letter");
    reader.throwIfInvalid();
    Location location =
        zone.isEmpty()
            ? new Region(region, List.of(region + "-a", region + "-b", region + "-c"))
            : new Zone(zone);
    return new StackSettings(port, idle, check, boot, project, location, mig, topic);
  }

  /** Collects every problem, so that one run reports all of them. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    int port(String name, int fallback) {
      String raw = value(name);
      if (raw == null) {
        return fallback;
      }
      try {
        int port = Integer.parseInt(raw);
        if (port >= 1 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      problems.add(name + "=" + raw + " is not a TCP port: set it to a number from 1 to 65535");
      return fallback;
    }

    Duration duration(String name, Duration fallback) {
      String raw = value(name);
      if (raw == null) {
        return fallback;
      }
      Duration parsed = parseDuration(raw);
      if (parsed == null || parsed.isNegative() || parsed.isZero()) {
        problems.add(name + "=" + raw
            + " is not a positive duration: give seconds (e.g. 120) or ISO-8601 (e.g. PT2M)");
        return fallback;
      }
      return parsed;
    }

    String matching(String name, String fallback, Pattern pattern, String expected) {
      String raw = value(name);
      if (raw == null) {
        return fallback;
      }
      if (!pattern.matcher(raw).matches()) {
        problems.add(name + "=" + raw + " is invalid: set it to " + expected);
        return fallback;
      }
      return raw;
    }

    void throwIfInvalid() {
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(
            "Invalid configuration:\n  " + String.join("\n  ", problems));
      }
    }

    private String value(String name) {
      String raw = env.get(name);
      return raw == null || raw.isBlank() ? null : raw.strip();
    }
  }

  /** Seconds ({@code 120}, {@code 1.5}) or ISO-8601 ({@code PT2M}); null when neither. */
  static Duration parseDuration(String raw) {
    try {
      if (raw.matches("\\d+(\\.\\d+)?")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(raw) * 1000));
      }
      return Duration.parse(raw.toUpperCase(java.util.Locale.ROOT));
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }
}
