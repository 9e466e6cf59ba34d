package dev.snooze.frontend.proxy;

import dev.snooze.frontend.reply.JsonReplies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How a streamed answer is ended when the backend stops sending it mid-way, most often because
 * its GPU VM was preempted (a spot VM) or lost. A reset connection tells the client only "network
 * error", and some clients take a stream that just stops for a short but complete answer; so a
 * stream in a format that has an in-stream error record ends with one, then with a proper end
 * (the last chunk), which the client's own parser raises as an error with {@link #MESSAGE}:
 * <ul>
 *   <li>JSON lines (Ollama's API, {@code application/x-ndjson}): a last line
 *       {@code {"error":MESSAGE}}, Ollama's own in-stream error, which Ollama's clients raise;</li>
 *   <li>server-sent events (the OpenAI-compatible API, {@code text/event-stream}): an event whose
 *       data is OpenAI's error object, {@code {"error":{"message","type","code"}}}, which OpenAI's
 *       clients raise; no {@code [DONE]} after it, which would say the answer is complete.</li>
 * </ul>
 * Any other answer (a Content-Length one, whose length is promised; another type, with no error
 * record a client would recognise; one already ended) can only be cut.
 */
enum CutStream {
  JSON_LINES,
  EVENT_STREAM;

  static final String MESSAGE = "the GPU backend stopped mid-answer (its VM was preempted or lost);"
      + " the answer is incomplete: send the prompt again";
  static final String CODE = "backend_lost";

  private static final Set<String> JSON_LINES_TYPES = Set.of("application/x-ndjson", "application/ndjson",
      "application/jsonl", "application/x-jsonl", "application/jsonlines", "application/x-jsonlines",
      "application/json-lines");

  /** The format {@code response} can still be ended in, or empty when it can only be cut. */
  static Optional<CutStream> of(HttpServerResponse response) {
    if (!response.isChunked() || response.ended() || response.closed()) {
      return Optional.empty();
    }
    String type = response.headers().get("Content-Type");
    if (type == null) {
      return Optional.empty();
    }
    String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (JSON_LINES_TYPES.contains(media)) {
      return Optional.of(JSON_LINES);
    }
    return media.equals("text/event-stream") ? Optional.of(EVENT_STREAM) : Optional.empty();
  }

  /** The error record, after the line ends that close whatever record the backend was cut in. */
  Buffer record(RelayedBytes relayed) {
    byte[] tail = relayed.tail();
    return switch (this) {
      case JSON_LINES -> Buffer.buffer(closeLine(tail)
          + new JsonObject().put("error", MESSAGE).encode() + "\n");
      case EVENT_STREAM -> Buffer.buffer(closeEvent(tail) + "data: "
          + JsonReplies.openAiErrorBody(MESSAGE, "server_error", CODE).encode() + "\n\n");
    };
  }

  /** A line cut half-way is ended, so that the error is a line of its own. */
  private static String closeLine(byte[] tail) {
    return tail.length == 0 || tail[tail.length - 1] == '\n' ? "" : "\n";
  }

  /**
   * An event is dispatched by a blank line: the error must follow one, or its data would be added
   * to the cut event's. Line ends are LF, CRLF or CR; after a bare CR more CRs are written, since
   * an LF there would pair with it into one line end.
   */
  private static String closeEvent(byte[] tail) {
    if (tail.length == 0) {
      return "";
    }
    int ends = 0;
    int i = tail.length - 1;
    while (i >= 0 && (tail[i] == '\n' || tail[i] == '\r')) {
      i -= tail[i] == '\n' && i > 0 && tail[i - 1] == '\r' ? 2 : 1;
      ends++;
    }
    String end = tail[tail.length - 1] == '\r' ? "\r" : "\n";
    return end.repeat(Math.max(0, 2 - ends));
  }
}
