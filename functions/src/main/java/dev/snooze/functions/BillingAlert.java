package dev.snooze.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.snooze.functions.activity.ActivityMessages;
import dev.snooze.functions.budget.BillingNotice;
import dev.snooze.functions.control.Controller;
import dev.snooze.functions.failure.PermanentFailure;
import dev.snooze.functions.state.SnoozeState.Billing;
import dev.snooze.logging.JsonLog;
import io.cloudevents.CloudEvent;
import java.time.Clock;

/**
 * Entry point for Eventarc's Pub/Sub trigger on a Cloud Billing budget's topic: the budget's
 * notification is recorded, and while its cost has reached its amount no wake happens (the
 * scheduled check puts an awake GPU to sleep, as for Snooze's own caps). The spend it reports lags
 * hours behind; Snooze's own ledger caps GPU time exactly, this catches everything else billed.
 * A malformed notice is logged and acknowledged; a transient failure throws, so that Pub/Sub retries.
 */
public final class BillingAlert implements CloudEventsFunction {
  private static final JsonLog LOG = JsonLog.forComponent("billing-alert");

  private final Controller controller;
  private final Clock clock;

  public BillingAlert() {
    this(Wiring.fromEnvironment().controller(), Clock.systemUTC());
  }

  BillingAlert(Controller controller, Clock clock) {
    this.controller = controller;
    this.clock = clock;
  }

  @Override
  public void accept(CloudEvent event) {
    ActivityMessages.Parsed parsed = ActivityMessages.open(event, clock.instant());
    if (!(parsed instanceof ActivityMessages.Opened opened)) {
      LOG.warning("event ignored: " + ((ActivityMessages.Rejected) parsed).reason(),
          "ceId", String.valueOf(event.getId()), "ceType", String.valueOf(event.getType()));
      return;
    }
    Billing notice;
    try {
      notice = BillingNotice.parse(opened.body(), opened.publishTime());
    } catch (IllegalArgumentException e) {
      LOG.warning("billing notice ignored: " + e.getMessage(), "messageId", opened.messageId());
      return;
    }
    try {
      controller.onBilling(notice);
    } catch (PermanentFailure e) {
      LOG.error("permanent failure: acknowledging the notice, since a redelivery would fail the same way",
          "messageId", opened.messageId(), "code", e.code(), "error", String.valueOf(e.getMessage()));
    }
  }
}
