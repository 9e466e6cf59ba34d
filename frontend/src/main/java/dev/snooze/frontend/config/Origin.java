package dev.snooze.frontend.config;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;

/**
 * Where an HTTP service answers, worked out once from its URL: host, port (the scheme's default
 * when the URL names none), TLS, and the base path every request to it goes under (without
 * trailing slashes, so that {@code basePath + "/api/..."} never doubles one).
 */
public record Origin(String host, int port, boolean tls, String basePath) {

  public static Origin of(URI url) {
    boolean tls = "https".equals(url.getScheme());
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    return new Origin(url.getHost(), url.getPort() > 0 ? url.getPort() : tls ? 443 : 80, tls,
        path.replaceFirst("/+$", ""));
  }

  /** A connection to this origin, for a request target the caller sets. */
  public RequestOptions options() {
    return new RequestOptions().setHost(host).setPort(port).setSsl(tls);
  }

  /** {@code method basePath + path}; {@code path} starts with '/' and may carry a query. */
  public RequestOptions request(HttpMethod method, String path) {
    return options().setMethod(method).setURI(basePath + path);
  }

  /** The URL, for logs. */
  @Override
  public String toString() {
    return (tls ? "https://" : "http://") + host + (port == (tls ? 443 : 80) ? "" : ":" + port) + basePath;
  }
}
