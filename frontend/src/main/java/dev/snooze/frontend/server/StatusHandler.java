package dev.snooze.frontend.server;

import dev.snooze.frontend.coldstart.BackendReadiness;
import dev.snooze.frontend.coldstart.Hold;
import dev.snooze.frontend.config.WakeOn;
import dev.snooze.frontend.reply.JsonReplies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code GET /snooze/status}:
 * {@code {"backend":{"ready":bool,"since":"ISO-8601"},"pending":N,"expectedWakeSeconds":N,"wakeOn":"open"|"typing"|"send","function":{...}|null}}.
 * {@code function} is null when no Status URL is configured or the function did not answer in time;
 * else it is Status's JSON as it is, with its {@code boot} (the GPU's boot stages and ETA) for the
 * page. {@code wakeOn} tells the page which trigger to send to {@code POST /snooze/intent}.
 */
final class StatusHandler implements Handler<RoutingContext> {
  private final BackendReadiness readiness;
  private final Hold hold;
  private final Duration expectedWake;
  private final StatusSource source;
  private final WakeOn wakeOn;

  StatusHandler(BackendReadiness readiness, Hold hold, Duration expectedWake, StatusSource source, WakeOn wakeOn) {
    this.readiness = readiness;
    this.wakeOn = wakeOn;
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
          .put("wakeOn", wakeOn.wire())
          .put("function", result.result());
      JsonReplies.send(ctx.response(), 200, body);
    });
  }
}
