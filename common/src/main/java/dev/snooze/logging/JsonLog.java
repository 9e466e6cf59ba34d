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
import java.util.function.Supplier;

/**
 * One JSON object per line in the shape Cloud Logging parses from stdout/stderr
 * ({@code severity}, {@code message}, {@code time}, then any fields), so local logs read like
 * the deployed ones and can be filtered with jq. INFO goes to stdout, WARNING and above to stderr.
 *
 * <p>Fields are given as key/value pairs after the message, in the order they should appear:
 * {@code LOG.info("waking the GPU", "reason", reason, "requestId", id)}. Values may be null.
 * Logging never throws: a key that is not a string is written as text, and an unpaired last
 * value goes under {@code "unpaired"}.
 *
 * <p>{@link #forComponent} writes to whatever {@code System.out}/{@code System.err} are when a line
 * is written, not when the log was made: a program may still choose its console (the local stack
 * renders lines for a terminal) after classes holding a static log have loaded.
 */
public final class JsonLog {
  public enum Severity { DEBUG, INFO, WARNING, ERROR }

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private final String component;
  private final Supplier<PrintStream> out;
  private final Supplier<PrintStream> err;
  private final Object[] context;

  public JsonLog(String component, PrintStream out, PrintStream err) {
    this(component, () -> out, () -> err, new Object[0]);
  }

  private JsonLog(String component, Supplier<PrintStream> out, Supplier<PrintStream> err, Object[] context) {
    this.component = component;
    this.out = out;
    this.err = err;
    this.context = context;
  }

  public static JsonLog forComponent(String component) {
    return new JsonLog(component, () -> System.out, () -> System.err, new Object[0]);
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
    entry.put("time", Instant.now().toString());
    entry.put("component", component);
    put(entry, fields);
    put(entry, context);
    String line = GSON.toJson(entry);
    PrintStream stream = (severity.compareTo(Severity.WARNING) >= 0 ? err : out).get();
    // println on a shared PrintStream is synchronized, so lines never interleave.
    stream.println(line);
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
