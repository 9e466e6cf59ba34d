package dev.snooze.frontend.iap;

import dev.snooze.frontend.config.IapSettings;
import dev.snooze.frontend.reply.JsonReplies;
import dev.snooze.logging.JsonLog;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * Lets a request through only with a valid IAP assertion in {@code x-goog-iap-jwt-assertion}.
 * Put it first on every route (page, API, status) when IAP is on.
 *
 * <ul>
 *   <li>missing or invalid: {@code 401 {"error":"..."}} (a short reason, never the token), and the
 *       request goes no further;
 *   <li>IAP's keys cannot be fetched: {@code 503 {"error":"IAP public keys unavailable"}} with
 *       {@code Retry-After: 5} (not the user's fault; the next request retries the fetch);
 *   <li>valid: the {@link IapIdentity} is put in the context under {@link #IDENTITY_KEY} and the
 *       request continues ({@code ctx.next()}).
 * </ul>
 *
 * <p>Identity comes from the verified assertion only: {@code x-goog-authenticated-user-email}
 * and {@code -id} (unsigned, spoofable when the load balancer is bypassed) are ignored.
 *
 * <p>A token seen before is answered at once on the event loop; a new one (about once per user
 * every 10 minutes) is verified on a worker thread ({@code executeBlocking}, unordered, so a
 * slow key fetch stalls no other request). While it is verified the request is paused, and it is
 * left paused for the next handler: body readers (BodyHandler, pipes, HttpProxy) resume it.
 */
public final class IapHandler implements Handler<RoutingContext> {
  public static final String HEADER = "x-goog-iap-jwt-assertion";
  public static final String IDENTITY_KEY = "snooze.identity";

  private static final JsonLog LOG = JsonLog.forComponent("iap");

  private final Vertx vertx;
  private final IapVerifier verifier;

  public IapHandler(Vertx vertx, IapVerifier verifier) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * The handler for {@code settings}: an {@link IapHandler} when IAP is on; otherwise a
   * pass-through that puts no identity (and a warning at start-up that IAP verification is off).
   */
  public static Handler<RoutingContext> forConfig(Vertx vertx, IapSettings settings) {
    if (!settings.enabled()) {
      LOG.warning("IAP verification is off: SNOOZE_IAP_AUDIENCE is not set; every request is"
          + " served without an identity");
      return RoutingContext::next;
    }
    LOG.info("IAP verification is on", "audience", settings.audience(),
        "keysUrl", settings.keysUrl().toString());
    return new IapHandler(vertx, IapVerifier.forConfig(settings));
  }

  /** The identity {@link IapHandler} put in {@code ctx}, or null (IAP off, or not yet verified). */
  public static IapIdentity identity(RoutingContext ctx) {
    return ctx.get(IDENTITY_KEY);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String token = request.getHeader(HEADER);
    if (token == null || token.isBlank()) {
      refuse(ctx, new IapVerificationException(IapVerificationException.Reason.MISSING,
          "missing IAP assertion"));
      return;
    }
    IapIdentity known = verifier.cached(token);
    if (known != null) {
      accept(ctx, known);
      return;
    }
    // Body bytes arriving while we verify would be lost: hold them for the next handler.
    if (!request.isEnded()) {
      request.pause();
    }
    vertx.<IapIdentity>executeBlocking(() -> verifier.verify(token), false)
        .onComplete(result -> {
          if (ctx.response().closed() || ctx.response().ended()) {
            return; // the client went away while we verified
          }
          if (result.succeeded()) {
            accept(ctx, result.result());
          } else if (result.cause() instanceof IapVerificationException e) {
            refuse(ctx, e);
          } else {
            LOG.error("IAP verification failed unexpectedly",
                "error", String.valueOf(result.cause()), "path", request.path());
            JsonReplies.refuse(request, 500, "IAP verification failed");
          }
        });
  }

  private static void accept(RoutingContext ctx, IapIdentity identity) {
    ctx.put(IDENTITY_KEY, identity);
    LOG.info("authenticated request",
        "email", identity.email(),
        "method", ctx.request().method().name(),
        "path", String.valueOf(ctx.request().path()));
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, IapVerificationException e) {
    boolean unavailable = e.reason() == IapVerificationException.Reason.KEYS_UNAVAILABLE;
    LOG.warning(unavailable ? "IAP public keys unavailable" : "request refused: IAP assertion",
        "reason", e.reason().name(),
            "detail", String.valueOf(e.getMessage()),
            "method", ctx.request().method().name(),
            "path", String.valueOf(ctx.request().path()),
            "remote", String.valueOf(ctx.request().remoteAddress()));
    if (unavailable) {
      ctx.response().putHeader("Retry-After", "5");
      JsonReplies.refuse(ctx.request(), 503, "IAP public keys unavailable");
      return;
    }
    JsonReplies.refuse(ctx.request(), 401, switch (e.reason()) {
      case MISSING -> "missing IAP assertion";
      case EXPIRED -> "expired IAP assertion";
      default -> "invalid IAP assertion";
    });
  }
}
