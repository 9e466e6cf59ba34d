package dev.snooze.frontend.proxy;

import dev.snooze.frontend.reply.JsonReplies;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How a proxied request that cannot finish is answered: a JSON error while nothing has been sent
 * to the client, else its stream is cut, the only way left to tell it the answer is incomplete.
 *
 * @param closeConnection the client's body may be left unread: close rather than read it as the
 *     next request
 */
record ProxyFailure(int status, JsonObject body, boolean closeConnection) {

  static ProxyFailure tooLarge(int maxBodyBytes) {
    return new ProxyFailure(413, JsonReplies.errorBody("the request body is larger than " + maxBodyBytes
        + " bytes").put("maxBodyBytes", maxBodyBytes), true);
  }

  static ProxyFailure timedOut(Duration requestTimeout) {
    return new ProxyFailure(504, JsonReplies.errorBody("the backend did not finish within "
        + requestTimeout.toSeconds() + " s"), false);
  }

  static ProxyFailure unreachable() {
    return new ProxyFailure(502, JsonReplies.errorBody("the GPU backend is unreachable"), false);
  }

  void answer(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      response.reset();
    } else if (closeConnection) {
      JsonReplies.sendAndClose(request, status, body);
    } else {
      JsonReplies.send(response, status, body);
    }
  }
}
