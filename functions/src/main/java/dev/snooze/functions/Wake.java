package dev.snooze.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.snooze.functions.activity.ActivityMessages;
import dev.snooze.functions.control.Controller;
import dev.snooze.functions.failure.PermanentFailure;
import dev.snooze.functions.failure.TransientFailure;
import dev.snooze.logging.JsonLog;
import io.cloudevents.CloudEvent;
import java.time.Clock;

/**
 * Entry point for Eventarc's Pub/Sub trigger on the activity topic: records the activity and
 * wakes the GPU MIG if it sleeps. An event that is not a Pub/Sub message is logged and
 * acknowledged; a transient failure throws, so that Pub/Sub delivers the message again; a
 * permanent one is logged as an ERROR with its code and acknowledged.
 */
public final class Wake implements CloudEventsFunction {
  private static final JsonLog LOG = JsonLog.forComponent("wake");

  private final Controller controller;
  private final Clock clock;

  public Wake() {
    this(Wiring.fromEnvironment().controller(), Clock.systemUTC());
  }

  Wake(Controller controller, Clock clock) {
    this.controller = controller;
    this.clock = clock;
  }

  @Override
  public void accept(CloudEvent event) {
    ActivityMessages.Parsed parsed = ActivityMessages.parse(event, clock.instant());
    if (parsed instanceof ActivityMessages.Rejected rejected) {
      LOG.warning("event ignored: " + rejected.reason(),
          "ceId", String.valueOf(event.getId()), "ceType", String.valueOf(event.getType()));
      return;
    }
    ActivityMessages.Accepted accepted = (ActivityMessages.Accepted) parsed;
    for (String warning : accepted.warnings()) {
      LOG.warning(warning, "messageId", accepted.activity().messageId());
    }
    try {
      controller.onActivity(accepted.activity());
    } catch (TransientFailure e) {
      // The invoker's own SEVERE line is a stack trace; this is the entry to filter and alert on.
      LOG.warning("transient failure: failing the delivery so that Pub/Sub redelivers it",
          "messageId", accepted.activity().messageId(), "error", String.valueOf(e.getMessage()));
      throw e;
    } catch (PermanentFailure e) {
      // Failing the delivery would only have Pub/Sub redeliver it, refused alike, until it expires.
      LOG.error("permanent failure: acknowledging the message, since a redelivery would fail the same way",
          "messageId", accepted.activity().messageId(), "code", e.code(), "error", String.valueOf(e.getMessage()));
    }
  }
}
