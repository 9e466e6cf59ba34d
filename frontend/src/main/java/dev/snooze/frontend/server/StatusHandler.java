package dev.snooze.frontend.server;

import dev.snooze.frontend.coldstart.BackendReadiness;
import dev.snooze.frontend.coldstart.Hold;
import dev.snooze.frontend.reply.JsonReplies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code GET /snooze/status}:
 * {@code {"backend":{"ready":bool,"since":"ISO-8601"},"pending":N,"expectedWakeSeconds":N,"function":{...}|null}}.
 * {@code function} is null when no Status URL is configured or the function did not answer in time.
 */
final class StatusHandler implements Handler<RoutingContext> {
  private final BackendReadiness readiness;
  private final Hold hold;
  private final Duration expectedWake;
  private final StatusSource source;

  StatusHandler(BackendReadiness readiness, Hold hold, Duration expectedWake, StatusSource source) {
    this.readiness = readiness;
    this.hold = hold;
    this.expectedWake = expectedWake;
    this.source = source;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Future<JsonObject> function = source == null ? Future.succeededFuture(null)
        : source.fetch().recover(e -> Future.succeededFuture(null));
    function.onComplete(result -> {
      JsonObject body = new JsonObject()
          .put("backend", new JsonObject()
              .put("ready", readiness.isReady())
              .put("since", readiness.since().toString()))
          .put("pending", hold.pending())
          .put("expectedWakeSeconds", expectedWake.toSeconds())
          .put("function", result.result());
      JsonReplies.send(ctx.response(), 200, body);
    });
  }
}
