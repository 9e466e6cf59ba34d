package dev.snooze.frontend.server;

import dev.snooze.frontend.proxy.RequestLog;
import dev.snooze.logging.JsonLog;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A request log that keeps its lines (stdout's and stderr's) for a test to read. */
final class LogLines {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final RequestLog log = new RequestLog(new JsonLog("frontend.request",
      new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));

  /** Every line written so far, INFO ones first, each parsed. */
  List<JsonObject> lines() {
    List<JsonObject> lines = new ArrayList<>();
    for (ByteArrayOutputStream stream : List.of(out, err)) {
      for (String line : stream.toString(StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          lines.add(new JsonObject(line));
        }
      }
    }
    return lines;
  }

  /** The only line written so far (fails when there are more or none). */
  JsonObject only() {
    List<JsonObject> lines = lines();
    if (lines.size() != 1) {
      throw new AssertionError("expected one request log line, got " + lines);
    }
    return lines.get(0);
  }
}
