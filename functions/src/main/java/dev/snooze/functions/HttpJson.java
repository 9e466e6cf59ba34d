package dev.snooze.functions;

import com.google.cloud.functions.HttpResponse;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.snooze.functions.failure.PermanentFailure;
import dev.snooze.functions.failure.TransientFailure;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.function.Supplier;

/**
 * JSON answers for the HTTP entry points, every error reply among them: transient failures as 503
 * so that callers retry, permanent ones as 500 naming the refusal and its code.
 */
final class HttpJson {
  static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  private static final JsonLog LOG = JsonLog.forComponent("http");

  private HttpJson() {}

  static void answer(HttpResponse response, Supplier<String> body) throws IOException {
    String json;
    try {
      json = body.get();
    } catch (TransientFailure e) {
      LOG.warning("transient failure, answering 503 so that the caller retries",
          "error", String.valueOf(e.getMessage()));
      response.appendHeader("Retry-After", "10");
      send(response, 503, GSON.toJson(Map.of("error", "temporarily unavailable: " + e.getMessage())));
      return;
    } catch (PermanentFailure e) {
      // A retry cannot help (MIG not found, permission denied, an unreadable state): say which.
      LOG.error("permanent failure, answering 500: a retry would fail the same way",
          "code", e.code(), "error", String.valueOf(e.getMessage()));
      send(response, 500, GSON.toJson(Map.of("error", String.valueOf(e.getMessage()), "code", e.code())));
      return;
    }
    send(response, 200, json);
  }

  static void methodNotAllowed(HttpResponse response, String allowed) throws IOException {
    response.appendHeader("Allow", allowed);
    send(response, 405, GSON.toJson(Map.of("error", "method not allowed: use " + allowed)));
  }

  private static void send(HttpResponse response, int status, String json) throws IOException {
    response.setStatusCode(status);
    response.setContentType("application/json; charset=utf-8");
    try (Writer writer = response.getWriter()) {
      writer.write(json);
    }
  }
}
