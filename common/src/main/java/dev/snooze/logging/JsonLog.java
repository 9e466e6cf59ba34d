package dev.snooze.logging;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per line in the shape Cloud Logging parses from stdout/stderr
 * ({@code severity}, {@code message}, {@code time}, then any fields), so local logs read like
 * the deployed ones and can be filtered with jq. INFO goes to stdout, WARNING and above to stderr.
 *
 * <p>Fields are given as key/value pairs after the message, in the order they should appear:
 * {@code LOG.info("waking the GPU", "reason", reason, "requestId", id)}. Values may be null.
 * Logging never throws: a key that is not a string is written as text, and an unpaired last
 * value goes under {@code "unpaired"}.
 */
public final class JsonLog {
  public enum Severity { DEBUG, INFO, WARNING, ERROR }

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private final String component;
  private final PrintStream out;
  private final PrintStream err;
  private final Object[] context;

  public JsonLog(String component, PrintStream out, PrintStream err) {
    this(component, out, err, new Object[0]);
  }

  private JsonLog(String component, PrintStream out, PrintStream err, Object[] context) {
    this.component = component;
    this.out = out;
    this.err = err;
    this.context = context;
  }

  public static JsonLog forComponent(String component) {
    return new JsonLog(component, System.out, System.err);
  }

  /** This log with {@code fields} (key/value pairs) added to every line, after the line's own. */
  public JsonLog with(Object... fields) {
    List<Object> both = new ArrayList<>(Arrays.asList(fields));
    if (both.size() % 2 == 1) {
      both.add(both.size() - 1, "unpaired");
    }
    both.addAll(Arrays.asList(context));
    return new JsonLog(component, out, err, both.toArray());
  }

  public void info(String message, Object... fields) {
    log(Severity.INFO, message, fields);
  }

  public void warning(String message, Object... fields) {
    log(Severity.WARNING, message, fields);
  }

  public void error(String message, Object... fields) {
    log(Severity.ERROR, message, fields);
  }

  public void log(Severity severity, String message, Object... fields) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("severity", severity.name());
    entry.put("message", message);
    entry.put("time", time(Instant.now()));
    entry.put("component", component);
    put(entry, fields);
    put(entry, context);
    String line = toJson(entry);
    PrintStream stream = severity.compareTo(Severity.WARNING) >= 0 ? err : out;
    // println on a shared PrintStream is synchronized, so lines never interleave.
    stream.println(line);
  }

  /** The second last written, formatted: most lines fall in the same second as the one before. */
  private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  private record Second(long epochSecond, String formatted) {}

  /**
   * {@code instant.toString()}, ISO-8601 in UTC with 0, 3, 6 or 9 fraction digits, without
   * formatting the date and time of day again for every line of the same second.
   */
  static String time(Instant instant) {
    long epochSecond = instant.getEpochSecond();
    Second second = lastSecond;
    if (second.epochSecond() != epochSecond) {
      String whole = Instant.ofEpochSecond(epochSecond).toString();
      if (whole.length() != 20) {
        return instant.toString(); // a year outside 0000-9999: not worth caching
      }
      second = new Second(epochSecond, whole.substring(0, 19));
      lastSecond = second;
    }
    int nano = instant.getNano();
    if (nano == 0) {
      return second.formatted() + "Z";
    }
    StringBuilder time = new StringBuilder(30).append(second.formatted()).append('.');
    int digits;
    int fraction;
    if (nano % 1_000_000 == 0) {
      digits = 3;
      fraction = nano / 1_000_000;
    } else if (nano % 1000 == 0) {
      digits = 6;
      fraction = nano / 1000;
    } else {
      digits = 9;
      fraction = nano;
    }
    String figures = Integer.toString(fraction);
    for (int i = figures.length(); i < digits; i++) {
      time.append('0');
    }
    return time.append(figures).append('Z').toString();
  }

  /**
   * The line as Gson writes it, written here for what log lines hold (strings, whole numbers,
   * finite doubles, booleans, null, maps of those with string keys), since Gson's reflective
   * walk was the largest single cost of a proxied request (its request-log line; P3 in
   * docs/benchmarks.md). Anything else goes to Gson itself, so the output never differs
   * ({@code JsonLogTest} compares the two).
   */
  static String toJson(Map<String, Object> entry) {
    StringBuilder json = new StringBuilder(256);
    return writeMap(json, entry) ? json.toString() : GSON.toJson(entry);
  }

  /** False, leaving {@code json} half written, when something in it is not for the fast path. */
  private static boolean writeMap(StringBuilder json, Map<?, ?> map) {
    json.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> field : map.entrySet()) {
      if (!(field.getKey() instanceof String key)) {
        return false;
      }
      if (!first) {
        json.append(',');
      }
      first = false;
      writeString(json, key);
      json.append(':');
      if (!writeValue(json, field.getValue())) {
        return false;
      }
    }
    json.append('}');
    return true;
  }

  private static boolean writeValue(StringBuilder json, Object value) {
    if (value == null) {
      json.append("null");
    } else if (value instanceof String text) {
      writeString(json, text);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      json.append(((Number) value).longValue());
    } else if (value instanceof Double number && Double.isFinite(number)) {
      json.append(number.doubleValue());
    } else if (value instanceof Boolean flag) {
      json.append(flag.booleanValue());
    } else if (value instanceof Map<?, ?> map) {
      return writeMap(json, map);
    } else {
      return false;
    }
    return true;
  }

  /** Gson's escapes with HTML escaping off: quote, backslash, control characters, U+2028 and U+2029. */
  private static void writeString(StringBuilder json, String text) {
    json.append('"');
    int last = 0;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      String escape;
      if (c < 0x20) {
        escape = switch (c) {
          case '\t' -> "\\t";
          case '\b' -> "\\b";
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\f' -> "\\f";
          default -> String.format("\\u%04x", (int) c);
        };
      } else if (c == '"') {
        escape = "\\\"";
      } else if (c == '\\') {
        escape = "\\\\";
      } else if (c == '\u2028') {
        escape = "\\u2028";
      } else if (c == '\u2029') {
        escape = "\\u2029";
      } else {
        continue;
      }
      json.append(text, last, i).append(escape);
      last = i + 1;
    }
    json.append(text, last, length).append('"');
  }

  private static void put(Map<String, Object> entry, Object[] fields) {
    for (int i = 0; i < fields.length; i += 2) {
      if (i + 1 == fields.length) {
        entry.putIfAbsent("unpaired", plain(fields[i]));
      } else {
        entry.putIfAbsent(String.valueOf(fields[i]), plain(fields[i + 1]));
      }
    }
  }

  private static Object plain(Object value) {
    return value == null || value instanceof Number || value instanceof Boolean || value instanceof Map<?, ?>
        ? value
        : value.toString();
  }
}
