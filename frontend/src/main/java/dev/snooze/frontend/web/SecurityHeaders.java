package dev.snooze.frontend.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The browser-hardening headers the page is served with, usable for any response: as a route
 * handler ({@code router.route().handler(new SecurityHeaders())}) it sets them and calls
 * {@code ctx.next()}; {@link #apply} sets them on one response.
 *
 * <p>The CSP allows only this origin's scripts, styles and fetches ({@code connect-src 'self'}:
 * the page talks to {@code /api/...} on the same origin), no inline script or style, no framing.
 *
 * <p>{@code Strict-Transport-Security} is sent with a one-year {@code max-age} and no
 * {@code includeSubDomains}: the browser only ever sees it over the load balancer's HTTPS (it is
 * ignored over plain HTTP, e.g. on the local stack), Google's load balancer does not add it by
 * itself, and IAP needs HTTPS anyway, so pinning HTTPS costs nothing and stops SSL stripping of a
 * first {@code http://} visit after the first one.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self';"
      + " style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none';"
      + " base-uri 'none'; form-action 'self'";
  public static final String PERMISSIONS_POLICY =
      "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

  private static final String[][] ORDERED = {
      {"Content-Security-Policy", CONTENT_SECURITY_POLICY},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Permissions-Policy", PERMISSIONS_POLICY},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Strict-Transport-Security", "max-age=31536000"},
  };

  /** Header name to value, in the order they are sent. */
  public static final Map<String, String> HEADERS;

  static {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String[] header : ORDERED) {
      headers.put(header[0], header[1]);
    }
    HEADERS = Collections.unmodifiableMap(headers);
  }

  /** Sets every header on {@code response} (replacing any value already there). */
  public static HttpServerResponse apply(HttpServerResponse response) {
    for (String[] header : ORDERED) {
      response.putHeader(header[0], header[1]);
    }
    return response;
  }

  @Override
  public void handle(RoutingContext ctx) {
    apply(ctx.response());
    ctx.next();
  }
}
