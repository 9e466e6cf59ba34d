package dev.snooze.local.console;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * A JSON log line (Cloud Logging's shape) as a person reads it on a terminal, or nothing for the
 * routine lines the log files keep. Shown: each part of the stack as it starts, with its time; every
 * decision the functions log ({@code event}: wake, sleep, scale-out, give-up…) in its own words,
 * reason included; each API request; the frontend's view of the GPU backend; every warning and error.
 */
public final class ReadableLog {
  /** Where text under a time stamp starts: "HH:mm:ss" and two spaces. */
  static final String INDENT = " ".repeat(10);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  /** A rendered line; {@code problem} lines (warnings and errors) go to standard error. */
  public record Line(String text, boolean problem) {}

  private final ZoneId zone;

  public ReadableLog(ZoneId zone) {
    this.zone = zone;
  }

  /**
   * @param line one line as a part wrote it
   * @param now the time stamp for a line that carries none
   */
  public Optional<Line> render(String line, Instant now) {
    if (line.isBlank()) {
      return Optional.empty();
    }
    JsonObject entry = object(line);
    if (entry == null) {
      // Not a log line (a stack trace, a tool's own output): as written, never lost.
      return Optional.of(new Line(line, false));
    }
    String severity = text(entry, "severity");
    boolean problem = "WARNING".equals(severity) || "ERROR".equals(severity) || "CRITICAL".equals(severity);
    Optional<String> said = said(entry, problem);
    Instant at = instant(text(entry, "time")).orElse(now);
    return said.map(text -> new Line(stamp(at) + "  " + (problem ? severity + " " : "") + text, problem));
  }

  /** {@code HH:mm:ss} of {@code at} on this machine's clock. */
  public String stamp(Instant at) {
    return CLOCK.format(at.atZone(zone));
  }

  private static Optional<String> said(JsonObject entry, boolean problem) {
    String message = text(entry, "message");
    if (entry.has("part")) {
      return Optional.of(String.format(Locale.ROOT, "✓ %8s  %s", seconds(entry, "millis"), text(entry, "part")));
    }
    if (entry.has("httpRequest") && entry.get("httpRequest").isJsonObject()) {
      return Optional.of(request(entry));
    }
    if (entry.has("event") || problem) {
      String error = text(entry, "error");
      boolean newsInError = error != null && (message == null || !message.contains(error));
      String component = text(entry, "component");
      String who = entry.has("event") || component == null ? "" : component + ": ";
      return Optional.of(who + message + (newsInError ? " (" + error + ")" : ""));
    }
    if ("frontend.readiness".equals(text(entry, "component"))) {
      String why = text(entry, "reason") != null ? text(entry, "reason") : text(entry, "stage");
      return Optional.of("frontend: " + message + (why != null ? " (" + why + ")" : ""));
    }
    return Optional.empty();
  }

  /** "POST /api/generate 200 in 9.4 s (held 7.6 s while the GPU woke)". */
  private static String request(JsonObject entry) {
    JsonObject http = entry.getAsJsonObject("httpRequest");
    StringBuilder text = new StringBuilder()
        .append(text(http, "requestMethod")).append(' ').append(text(http, "requestUrl")).append(' ')
        .append(text(http, "status"));
    String latency = text(http, "latency");
    if (latency != null) {
      // Cloud Logging's Duration: "9.373s".
      try {
        text.append(" in ").append(seconds(Double.parseDouble(latency.replaceFirst("s$", ""))));
      } catch (NumberFormatException e) {
        text.append(" in ").append(latency);
      }
    }
    String outcome = text(entry, "outcome");
    if (outcome != null && !outcome.equals("answered")) {
      text.append(", ").append(outcome);
    }
    if (entry.has("held") && entry.get("held").isJsonPrimitive() && entry.get("held").getAsDouble() > 0) {
      text.append(" (held ").append(seconds(entry.get("held").getAsDouble())).append(" while the GPU woke)");
    }
    return text.toString();
  }

  private static String seconds(JsonObject entry, String millisField) {
    JsonElement millis = entry.get(millisField);
    return millis != null && millis.isJsonPrimitive() && millis.getAsJsonPrimitive().isNumber()
        ? seconds(millis.getAsDouble() / 1000) : "";
  }

  /** "0.4 s", "12.0 s", "2 min", "2 min 05 s": a person's reading of a span. */
  static String seconds(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long whole = Math.round(seconds);
    return whole % 60 == 0 ? whole / 60 + " min" : String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
  }

  static String seconds(Duration span) {
    return seconds(span.toMillis() / 1000.0);
  }

  private static JsonObject object(String line) {
    if (!line.startsWith("{")) {
      return null;
    }
    try {
      JsonElement parsed = JsonParser.parseString(line);
      return parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
    } catch (JsonParseException e) {
      return null;
    }
  }

  private static String text(JsonObject entry, String field) {
    JsonElement value = entry.get(field);
    return value == null || value.isJsonNull() ? null
        : value.isJsonPrimitive() ? value.getAsString() : value.toString();
  }

  private static Optional<Instant> instant(String time) {
    try {
      return Optional.ofNullable(time).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
