package dev.snooze.frontend.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Relays the backend's answer to the client as it arrives: status, end-to-end headers, the
 * cold-start mark, then the body chunk by chunk ({@link BackPressure}), never buffered whole.
 */
final class ResponseRelay {
  static final String COLD_START_HEADER = "X-Snooze-Cold-Start";

  private ResponseRelay() {}

  /**
   * @param coldStart the request waited for the GPU to wake: the answer says so
   * @param stopped true once the exchange is over: nothing more is relayed
   * @param relayed counts what is handed to the client
   * @return completes once the whole answer is handed to the client's response; fails when the
   *     backend's stream broke, leaving the client's stream to the caller
   */
  static Future<Void> relay(HttpClientResponse answer, HttpServerRequest request, boolean coldStart,
      BooleanSupplier stopped, RelayedBytes relayed) {
    HttpServerResponse response = request.response();
    Promise<Void> whole = Promise.promise();
    response.setStatusCode(answer.statusCode());
    if (answer.statusMessage() != null) {
      response.setStatusMessage(answer.statusMessage());
    }
    HopByHop.copy(answer.headers(), response.headers(), Set.of());
    if (coldStart) {
      response.putHeader(COLD_START_HEADER, "true");
    }
    if (!response.headers().contains("Content-Length") && request.method() != HttpMethod.HEAD
        && answer.statusCode() != 204 && answer.statusCode() != 304) {
      response.setChunked(true);
    }
    answer.handler(chunk -> {
      if (stopped.getAsBoolean()) {
        return;
      }
      relayed.add(chunk);
      BackPressure.write(chunk, response, answer);
    });
    answer.exceptionHandler(e -> {
      if (!stopped.getAsBoolean()) {
        whole.tryFail(e);
      }
    });
    answer.endHandler(v -> {
      if (!stopped.getAsBoolean()) {
        response.end();
        whole.tryComplete();
      }
    });
    return whole.future();
  }
}
