package dev.snooze.frontend.proxy;

import dev.snooze.frontend.config.Origin;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import java.util.Set;

/**
 * The request the backend gets for a client's: the same method, the backend's base path and the
 * client's path, the end-to-end headers, and {@code X-Forwarded-For}, {@code -Proto},
 * {@code -Host}.
 */
final class UpstreamRequest {
  /** Never sent upstream: the backend gets the backend's Host, and no frontend credential or mark. */
  static final Set<String> NOT_FORWARDED = Set.of("host", "x-goog-iap-jwt-assertion",
      ResponseRelay.COLD_START_HEADER.toLowerCase(Locale.ROOT));

  private UpstreamRequest() {}

  /** @param path the client's normalized path and its query */
  static RequestOptions of(Origin backend, HttpServerRequest request, String path) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    HopByHop.copy(request.headers(), headers, NOT_FORWARDED);
    String remote = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    String previous = request.getHeader("X-Forwarded-For");
    if (remote != null) {
      headers.set("X-Forwarded-For", previous == null ? remote : previous + ", " + remote);
    }
    String proto = request.getHeader("X-Forwarded-Proto");
    headers.set("X-Forwarded-Proto", proto != null ? proto : request.isSSL() ? "https" : "http");
    if (request.getHeader("X-Forwarded-Host") == null && request.authority() != null) {
      headers.set("X-Forwarded-Host", request.authority().toString());
    }
    return backend.request(request.method(), path).setHeaders(headers);
  }
}
