package dev.snooze.cli.plan;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.snooze.cli.plan.Timestamps.BadValue;
import java.util.List;

/**
 * What one line of a log, or one entry of a JSON array, says: a request (when it began, how long
 * it took), something else, or nothing readable. The forms read:
 *
 * <ul>
 *   <li>the frontend's request log, one JSON object a line in Cloud Logging's shape:
 *       {@code {"severity":"INFO","time":"…Z","httpRequest":{"requestUrl":"/api/generate","latency":"5.120s",…},
 *       "outcome":"answered","held":83.214}}, where {@code time} is when the request ended, so it
 *       began {@code latency} earlier; {@code held}, there when the request waited for a wake, is
 *       not part of how long it takes to serve (the replay decides the waits);
 *   <li>Cloud Logging's entries as exported ({@code gcloud logging read --format=json}), with
 *       {@code timestamp} in place of {@code time}, read the same way;
 *   <li>one timestamp a line: ISO-8601 with an offset, or epoch seconds, a request that began then
 *       and took the default duration.
 * </ul>
 *
 * A JSON entry without {@code httpRequest} is some other log line, not a request; one whose URL is
 * not under the paths the frontend proxies to the GPU (its page, Status) did not use the GPU.
 * Blank lines and lines starting with {@code #} say nothing. Not thread-safe: one per reading thread.
 */
final class LogEntries {
  enum Kind { REQUEST, NOT_A_REQUEST, OTHER_PATH, NOTHING }

  private final long defaultDuration;
  private final List<String> paths;
  private final JsonLineScanner scanner = new JsonLineScanner();

  /** The last request read: when it began (epoch ms) and how long it took (ms). */
  long start;
  long duration;

  /** @param paths the URL path prefixes proxied to the GPU; empty for every request */
  LogEntries(long defaultDuration, List<String> paths) {
    this.defaultDuration = defaultDuration;
    this.paths = List.copyOf(paths);
  }

  Kind line(String line) throws BadValue {
    int i = 0;
    int n = line.length();
    while (i < n && (Character.isWhitespace(line.charAt(i)) || line.charAt(i) == '\uFEFF')) { // a BOM too
      i++;
    }
    if (i == n || line.charAt(i) == '#') {
      return Kind.NOTHING;
    }
    if (line.charAt(i) != '{') {
      start = Timestamps.instant(i == 0 ? line : line.substring(i));
      duration = defaultDuration;
      return Kind.REQUEST;
    }
    if (scanner.scan(line, i)) {
      return scanned(line);
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(line);
    } catch (JsonParseException e) {
      // One line is one document: Gson's "line 1" would contradict the line named.
      throw new BadValue("not valid JSON (" + gsonProblem(e).replace("at line 1 column", "at column") + ")");
    }
    if (!parsed.isJsonObject()) {
      throw new BadValue("not a JSON object");
    }
    return entry(parsed.getAsJsonObject());
  }

  /** What {@link JsonLineScanner} found: the same rules as {@link #entry}, read in place. */
  private Kind scanned(String line) throws BadValue {
    JsonLineScanner at = scanner;
    if (!at.http) {
      return Kind.NOT_A_REQUEST;
    }
    if (at.urlFrom >= 0 && !proxied(line, at.urlFrom, at.urlTo)) {
      return Kind.OTHER_PATH;
    }
    long end;
    if (at.timestampFrom >= 0) {
      end = Timestamps.iso(line, at.timestampFrom, at.timestampTo);
    } else if (at.timeFrom >= 0) {
      end = Timestamps.iso(line, at.timeFrom, at.timeTo);
    } else {
      throw new BadValue(NO_TIME);
    }
    long latency = at.latencyFrom < 0 ? defaultDuration : Timestamps.latency(line, at.latencyFrom, at.latencyTo);
    start = end - latency;
    duration = at.heldFrom < 0 ? latency : served(latency, Double.parseDouble(line.substring(at.heldFrom, at.heldTo)));
    return Kind.REQUEST;
  }

  /** How long a request took to serve: its latency less the seconds it was held for a wake. */
  private static long served(long latency, double heldSeconds) throws BadValue {
    if (!(heldSeconds >= 0) || Double.isInfinite(heldSeconds)) {
      throw new BadValue("\"held\" " + heldSeconds + " is not a number of seconds (0 or more)");
    }
    return Math.max(0, latency - Math.round(heldSeconds * 1000));
  }

  private static final String NO_TIME = "a request without \"time\" or \"timestamp\"";

  Kind entry(JsonObject entry) throws BadValue {
    JsonElement http = entry.get("httpRequest");
    if (http == null || http.isJsonNull()) {
      return Kind.NOT_A_REQUEST;
    }
    if (!http.isJsonObject()) {
      throw new BadValue("httpRequest is not an object");
    }
    JsonObject request = http.getAsJsonObject();
    String url = string(request, "requestUrl");
    if (url != null && !proxied(url, 0, url.length())) {
      return Kind.OTHER_PATH;
    }
    String time = string(entry, "timestamp");
    if (time == null) {
      time = string(entry, "time");
    }
    if (time == null) {
      throw new BadValue(NO_TIME);
    }
    long end = Timestamps.iso(time);
    String latencyText = string(request, "latency");
    long latency = latencyText == null ? defaultDuration : Timestamps.latency(latencyText);
    start = end - latency;
    JsonElement held = entry.get("held");
    if (held == null || held.isJsonNull()) {
      duration = latency;
    } else if (held.isJsonPrimitive() && held.getAsJsonPrimitive().isNumber()) {
      duration = served(latency, held.getAsDouble());
    } else {
      throw new BadValue("\"held\" is not a number of seconds: " + Timestamps.brief(held.toString()));
    }
    return Kind.REQUEST;
  }

  /** Whether the URL in {@code text[from, to)}, a path or a full URL, is under a path proxied to the GPU. */
  private boolean proxied(String text, int from, int to) {
    if (paths.isEmpty()) {
      return true;
    }
    int path = from;
    int scheme = text.indexOf("://", from);
    if (scheme >= 0 && scheme < to) {
      int slash = text.indexOf('/', scheme + 3);
      if (slash < 0 || slash >= to) {
        return paths.contains("/");
      }
      path = slash;
    }
    for (String prefix : paths) {
      if (prefix.length() <= to - path && text.startsWith(prefix, path)) {
        return true;
      }
    }
    return false;
  }

  private static String string(JsonObject object, String field) throws BadValue {
    JsonElement value = object.get(field);
    if (value == null || value.isJsonNull()) {
      return null;
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new BadValue("\"" + field + "\" is not a string: " + Timestamps.brief(value.toString()));
    }
    return value.getAsString();
  }

  /** Gson's reason, without its class names and links. */
  static String gsonProblem(JsonParseException e) {
    String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
    if (message == null) {
      return "unreadable";
    }
    message = message.lines().findFirst().orElse(message);
    int colon = message.indexOf("Exception: ");
    if (colon >= 0) {
      message = message.substring(colon + "Exception: ".length());
    }
    int path = message.indexOf(" path $");
    if (path >= 0) {
      message = message.substring(0, path);
    }
    return Timestamps.brief(message);
  }
}
