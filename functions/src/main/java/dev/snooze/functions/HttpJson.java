package dev.snooze.functions;

import com.google.cloud.functions.HttpResponse;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.snooze.functions.compute.PermanentComputeException;
import dev.snooze.functions.compute.TransientComputeException;
import dev.snooze.functions.state.StateStore;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.function.Supplier;

/**
 * JSON answers for the HTTP entry points: transient failures as 503 so callers retry, Compute
 * refusals as 500 naming the refusal.
 */
final class HttpJson {
  static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  private static final JsonLog LOG = JsonLog.forComponent("http");

  private HttpJson() {}

  static void answer(HttpResponse response, Supplier<String> body) throws IOException {
    String json;
    try {
      json = body.get();
    } catch (TransientComputeException | StateStore.StoreUnavailableException e) {
      LOG.warning("transient failure, answering 503 so that the caller retries",
          "error", String.valueOf(e.getMessage()));
      response.appendHeader("Retry-After", "10");
      send(response, 503, GSON.toJson(Map.of("error", "temporarily unavailable: " + e.getMessage())));
      return;
    } catch (PermanentComputeException e) {
      // A retry cannot help (MIG not found, permission denied): say which, for the scheduler's log.
      LOG.error("Compute refused the call: " + e.getMessage(), "code", e.code());
      send(response, 500, GSON.toJson(Map.of("error", "Compute refused: " + e.getMessage(),
          "code", e.code())));
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
