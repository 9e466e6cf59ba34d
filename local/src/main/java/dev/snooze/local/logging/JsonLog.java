package dev.snooze.local.logging;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line in Cloud Logging's structured shape ({@code severity}, {@code message},
 * {@code time}, then the fields), so that the local stack's logs read like a deployment's.
 */
public final class JsonLog {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
  private static final PrintStream OUT = System.out;

  private final String component;

  private JsonLog(String component) {
    this.component = component;
  }

  /** A logger whose lines carry {@code "component": component}. */
  public static JsonLog of(String component) {
    return new JsonLog(component);
  }

  public void info(String message, Object... fields) {
    write("INFO", message, fields);
  }

  public void warning(String message, Object... fields) {
    write("WARNING", message, fields);
  }

  public void error(String message, Object... fields) {
    write("ERROR", message, fields);
  }

  /** {@code fields} alternate names and values: {@code "port", 8080, "topic", "t"}. */
  private void write(String severity, String message, Object... fields) {
    if (fields.length % 2 != 0) {
      throw new IllegalArgumentException("fields must be name/value pairs");
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("severity", severity);
    entry.put("message", message);
    entry.put("time", Instant.now().toString());
    entry.put("component", component);
    for (int i = 0; i < fields.length; i += 2) {
      entry.put(String.valueOf(fields[i]), jsonValue(fields[i + 1]));
    }
    String line = GSON.toJson(entry);
    synchronized (OUT) {
      OUT.println(line);
    }
  }

  // Gson cannot reflect into java.time and friends on Java 17: anything but plain JSON values is
  // written as its string form (a Duration as PT20S, an exception as its class and message).
  private static Object jsonValue(Object value) {
    if (value == null
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof String
        || value instanceof Map<?, ?>
        || value instanceof Collection<?>) {
      return value;
    }
    return value.toString();
  }
}
