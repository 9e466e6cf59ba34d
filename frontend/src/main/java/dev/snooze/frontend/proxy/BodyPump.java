package dev.snooze.frontend.proxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.function.BooleanSupplier;

/**
 * Streams the client's request body to the backend chunk by chunk ({@link BackPressure}), up to
 * {@code maxBodyBytes}: past it nothing more is read or sent, and the pump fails with
 * {@link TooLarge}. The upstream request carries the client's Content-Length when it has one
 * ({@link UpstreamRequest} copies it); a body without one goes on chunked. (A declared length over
 * the cap never gets here: {@link ProxyHandler} refuses it first.)
 */
final class BodyPump {
  /** The body passed the cap; the client's request is left paused. */
  static final class TooLarge extends RuntimeException {
    TooLarge(int maxBodyBytes) {
      super("the request body is larger than " + maxBodyBytes + " bytes", null, false, false);
    }
  }

  private BodyPump() {}

  /**
   * @param sent sees each chunk as it is sent upstream
   * @param stopped true once the exchange is over: nothing more is sent
   * @return completes once the whole body is handed to the upstream request; fails with
   *     {@link TooLarge}
   */
  static Future<Void> pump(HttpServerRequest request, HttpClientRequest upstream, int maxBodyBytes,
      Handler<Buffer> sent, BooleanSupplier stopped) {
    Promise<Void> pumped = Promise.promise();
    boolean hasLength = request.headers().contains("Content-Length");
    // HTTP/2 frames a body without either header; HTTP/1.x has none without one of them.
    boolean chunkedIn = request.headers().contains("Transfer-Encoding")
        || (request.version() != HttpVersion.HTTP_1_0 && request.version() != HttpVersion.HTTP_1_1
        && !hasLength && request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD);
    if (!hasLength && !chunkedIn) {
      upstream.end();
      pumped.complete();
      resume(request);
      return pumped.future();
    }
    if (!hasLength) {
      upstream.setChunked(true);
    }
    long[] bytes = {0};
    request.handler(chunk -> {
      if (stopped.getAsBoolean()) {
        return;
      }
      bytes[0] += chunk.length();
      if (bytes[0] > maxBodyBytes) {
        request.pause();
        pumped.tryFail(new TooLarge(maxBodyBytes));
        return;
      }
      sent.handle(chunk);
      BackPressure.write(chunk, upstream, request);
    });
    request.endHandler(v -> {
      if (!stopped.getAsBoolean()) {
        upstream.end();
        pumped.tryComplete();
      }
    });
    resume(request);
    return pumped.future();
  }

  /** Pausing or resuming an ended request would leave the connection unread: a leaving client unseen. */
  private static void resume(HttpServerRequest request) {
    if (!request.isEnded()) {
      request.resume();
    }
  }
}
