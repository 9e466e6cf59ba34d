package dev.snooze.frontend.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;

/** JSON error answers: {@code {"error": "...", ...}} with the right status, never a stack trace. */
public final class JsonReplies {
  private static final long LINGER_MILLIS = 2_000;

  private JsonReplies() {}

  /** Ends {@code response} with {@code status} and {@code body} unless it has already started. */
  public static Future<Void> send(HttpServerResponse response, int status, JsonObject body) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    return response.setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  public static Future<Void> error(HttpServerResponse response, int status, String message) {
    return send(response, status, new JsonObject().put("error", message));
  }

  /**
   * Answers and closes the connection: for refused request forms, and for bodies left unread
   * (they would otherwise be parsed as the next request, or drained at length).
   */
  public static void sendAndClose(HttpServerRequest request, int status, JsonObject body) {
    request.response().putHeader("Connection", "close");
    send(request.response(), status, body).onComplete(done -> {
      if (request.version() == HttpVersion.HTTP_2) {
        return; // a stream, not a connection: the rest of the body is discarded by the stream's end
      }
      if (request.isEnded()) {
        request.connection().close();
        return;
      }
      // Lingering close: closing with the client's body still arriving resets the connection and
      // can destroy the answer before the client reads it. Drain (and drop) for a moment first.
      long timer = Vertx.currentContext() == null ? -1 : Vertx.currentContext().owner()
          .setTimer(LINGER_MILLIS, id -> request.connection().close());
      request.handler(chunk -> { });
      request.endHandler(v -> {
        if (timer >= 0) {
          Vertx.currentContext().owner().cancelTimer(timer);
        }
        request.connection().close();
      });
      request.resume();
    });
  }
}
