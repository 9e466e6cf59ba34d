package dev.snooze.frontend.server;

import dev.snooze.frontend.activity.ActivitySignal;
import dev.snooze.frontend.config.WakeOn;
import dev.snooze.frontend.reply.JsonReplies;
import dev.snooze.logging.JsonLog;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * {@code POST /snooze/intent} with {@code {"trigger":"open"|"typing"}}: the page says a person is
 * about to prompt (it was opened, or typing began). When the trigger is the configured one
 * ({@link WakeOn}) an intent is published ({@link ActivitySignal#intent()}, at most one per window
 * whatever the page does), unless the GPU budget is known to be used up (no wake would come);
 * either way the answer is 204, so the page need not know the rule.
 * A body that is not that JSON, or names another trigger: 400 and nothing published.
 *
 * <p>Only this origin's page may say it: it sits behind IAP like every route, wants
 * {@code Content-Type: application/json} (a cross-site form cannot send that, and a cross-site
 * script needs a CORS preflight the frontend never grants), and refuses what the browser marks as
 * sent from another site ({@code Sec-Fetch-Site}). It never counts as a request in flight and
 * extends nothing here.
 */
final class IntentHandler implements Handler<RoutingContext> {
  /** The page's body is about 20 bytes. */
  static final int MAX_BODY_BYTES = 1024;
  static final Set<String> TRIGGERS = Set.of("open", "typing");
  private static final String EXPECTED = "the body must be {\"trigger\":\"open\"} or {\"trigger\":\"typing\"}";
  private static final JsonLog LOG = JsonLog.forComponent("frontend.intent");

  private final ActivitySignal activity;
  private final WakeOn wakeOn;
  private final BooleanSupplier overBudget;

  /** @param overBudget the GPU budget is known to be used up: no wake would come, nothing is published */
  IntentHandler(ActivitySignal activity, WakeOn wakeOn, BooleanSupplier overBudget) {
    this.activity = activity;
    this.wakeOn = wakeOn;
    this.overBudget = overBudget;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.method() != HttpMethod.POST) {
      request.response().putHeader("Allow", "POST");
      JsonReplies.refuse(request, 405, "use POST");
      return;
    }
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin")) {
      JsonReplies.refuse(request, 403, "intents are taken from this site's own page only");
      return;
    }
    String type = request.getHeader("Content-Type");
    if (type == null || !type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
      JsonReplies.refuse(request, 415, "Content-Type must be application/json");
      return;
    }
    if (declaredLength(request) > MAX_BODY_BYTES) {
      JsonReplies.refuse(request, 413, "the body is over " + MAX_BODY_BYTES + " bytes");
      return;
    }
    readBounded(request, body -> decide(ctx, body));
  }

  private void decide(RoutingContext ctx, Buffer body) {
    String trigger;
    try {
      Object parsed = body.length() == 0 ? null : new JsonObject(body).getValue("trigger");
      trigger = parsed instanceof String text ? text : null;
    } catch (DecodeException | ClassCastException e) {
      trigger = null;
    }
    if (trigger == null) {
      JsonReplies.error(ctx.response(), 400, EXPECTED);
      return;
    }
    if (!TRIGGERS.contains(trigger)) {
      JsonReplies.error(ctx.response(), 400, "unknown trigger \"" + brief(trigger) + "\": " + EXPECTED);
      return;
    }
    if (wakeOn.accepts(trigger) && !overBudget.getAsBoolean() && activity.intent()) {
      // At most one line per debounce window: intents are paced before they get here.
      LOG.info("intent published: a person is about to prompt", "trigger", trigger, "wakeOn", wakeOn.wire());
    }
    ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
  }

  /** The body, read up to {@link #MAX_BODY_BYTES} (more: 413 and the connection closed). */
  private static void readBounded(HttpServerRequest request, Handler<Buffer> then) {
    if (request.isEnded()) {
      then.handle(Buffer.buffer());
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if (body.length() + chunk.length() > MAX_BODY_BYTES) {
        refused[0] = true;
        JsonReplies.errorAndClose(request, 413, "the body is over " + MAX_BODY_BYTES + " bytes");
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(end -> {
      if (!refused[0]) {
        then.handle(body);
      }
    });
    request.resume();
  }

  /** Content-Length (the codec has refused a malformed one), 0 when absent. */
  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    try {
      return length == null ? 0 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String brief(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
