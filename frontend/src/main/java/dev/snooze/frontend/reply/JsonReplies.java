package dev.snooze.frontend.reply;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;

/**
 * The frontend's own JSON answers, written one way: with their status, not cached, not sniffed;
 * an error as {@code {"error": "...", ...}}, never a stack trace.
 */
public final class JsonReplies {
  public static final String CONTENT_TYPE = "application/json; charset=utf-8";
  private static final long LINGER_MILLIS = 2_000;

  private JsonReplies() {}

  /** {@code {"error": message}}, to which an answer may add fields. */
  public static JsonObject errorBody(String message) {
    return new JsonObject().put("error", message);
  }

  /** Ends {@code response} with {@code status} and {@code body} unless it has already started. */
  public static Future<Void> send(HttpServerResponse response, int status, JsonObject body) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    return response.setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body.encode());
  }

  /**
   * OpenAI's error object, {@code {"error":{"message","type","code"}}}, which OpenAI's clients
   * raise with the message: for answers to the OpenAI-compatible API ({@code /v1/}).
   */
  public static JsonObject openAiErrorBody(String message, String type, String code) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type).put("code", code));
  }

  public static Future<Void> error(HttpServerResponse response, int status, String message) {
    return send(response, status, errorBody(message));
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

  public static void errorAndClose(HttpServerRequest request, int status, String message) {
    sendAndClose(request, status, errorBody(message));
  }

  /**
   * Refuses a request whose body may still be unread (it was paused for an asynchronous check):
   * the rest of the body is read and dropped at once, so the client, which may read nothing
   * before it has sent it all, gets the answer at once, and the connection is not reused.
   */
  public static void refuse(HttpServerRequest request, int status, String message) {
    refuse(request, status, errorBody(message));
  }

  /** {@link #refuse(HttpServerRequest, int, String)} with a body of the caller's. */
  public static void refuse(HttpServerRequest request, int status, JsonObject body) {
    if (!request.isEnded()) {
      if (request.version() != HttpVersion.HTTP_2) {
        request.response().putHeader("Connection", "close");
      }
      request.resume();
    }
    send(request.response(), status, body);
  }
}
