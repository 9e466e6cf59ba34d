package dev.snooze.logging;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line in the shape Cloud Logging parses from stdout/stderr
 * ({@code severity}, {@code message}, {@code time}, then any fields), so local logs read like
 * the deployed ones and can be filtered with jq. INFO goes to stdout, WARNING and above to stderr.
 */
public final class JsonLog {
  public enum Severity { DEBUG, INFO, WARNING, ERROR }

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private final String component;
  private final PrintStream out;
  private final PrintStream err;

  public JsonLog(String component, PrintStream out, PrintStream err) {
    this.component = component;
    this.out = out;
    this.err = err;
  }

  public static JsonLog forComponent(String component) {
    return new JsonLog(component, System.out, System.err);
  }

  public void info(String message, Map<String, ?> fields) {
    log(Severity.INFO, message, fields);
  }

  public void warning(String message, Map<String, ?> fields) {
    log(Severity.WARNING, message, fields);
  }

  public void error(String message, Map<String, ?> fields) {
    log(Severity.ERROR, message, fields);
  }

  public void log(Severity severity, String message, Map<String, ?> fields) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("severity", severity.name());
    entry.put("message", message);
    entry.put("time", Instant.now().toString());
    entry.put("component", component);
    fields.forEach((key, value) -> entry.putIfAbsent(key, value == null ? null : plain(value)));
    String line = GSON.toJson(entry);
    PrintStream stream = severity.compareTo(Severity.WARNING) >= 0 ? err : out;
    // println on a shared PrintStream is synchronized, so lines never interleave.
    stream.println(line);
  }

  private static Object plain(Object value) {
    return value instanceof Number || value instanceof Boolean || value instanceof Map<?, ?>
        ? value
        : value.toString();
  }
}
