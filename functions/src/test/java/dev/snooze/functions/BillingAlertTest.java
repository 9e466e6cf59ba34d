package dev.snooze.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.activity.ActivityMessagesTest;
import dev.snooze.functions.compute.FakeMig;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.control.Controller;
import dev.snooze.functions.decision.Action;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.InMemoryStateStore;
import dev.snooze.functions.state.Phase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The billing budget's entry point, as Eventarc delivers a notice: recorded, a wake refused while the
 * cost is at the budget's amount; a malformed notice is acknowledged and changes nothing.
 */
class BillingAlertTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  private static final Policy POLICY = new Policy(Duration.ofMinutes(2), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2),
      List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)), Duration.ofMinutes(2));

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InMemoryStateStore store = new InMemoryStateStore();
  private final FakeMig mig = new FakeMig(clock);
  private final Controller controller = new Controller(POLICY, SleepMode.DELETE, store, Map.of("snooze-gpu", mig),
      clock, () -> "id");

  @Test
  void aNoticeAtTheBudgetsAmountStopsTheNextWake() {
    new BillingAlert(controller, clock).accept(ActivityMessagesTest.published("""
        {"budgetDisplayName": "snooze", "alertThresholdExceeded": 1.0, "costAmount": 50.25,
         "costIntervalStart": "2026-11-01T07:00:00Z", "budgetAmount": 50.0, "currencyCode": "USD"}"""));

    assertThat(store.read().billing().costAmount()).isEqualTo(50.25);
    Action refused = controller.onActivity(new Activity("m1", NOW, "frontend", ActivityMessage.Kind.REQUEST, null));
    assertThat(refused).isInstanceOf(Action.Refused.class);
    assertThat(((Action.Refused) refused).resetsAt()).isEqualTo(Instant.parse("2026-12-01T07:00:00Z"));
    assertThat(store.read().phase()).isEqualTo(Phase.ASLEEP);
    assertThat(mig.observe().targetSize()).isZero();
  }

  @Test
  void aMalformedNoticeIsAcknowledgedAndChangesNothing() {
    new BillingAlert(controller, clock).accept(ActivityMessagesTest.published("{\"costAmount\": \"lots\"}"));
    new BillingAlert(controller, clock).accept(ActivityMessagesTest.event("not.pubsub", "{}"));
    assertThat(store.writes()).isZero();
    Action woke = controller.onActivity(new Activity("m1", NOW, "frontend", ActivityMessage.Kind.REQUEST, null));
    assertThat(woke).isInstanceOf(Action.Wake.class);
  }
}
