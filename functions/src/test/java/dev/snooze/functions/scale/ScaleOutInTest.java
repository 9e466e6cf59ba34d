package dev.snooze.functions.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.config.GpuOffer;
import dev.snooze.config.GpuOffer.ProvisioningModel;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.compute.FakeMig;
import dev.snooze.functions.compute.Mig;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.control.Controller;
import dev.snooze.functions.control.StatusView;
import dev.snooze.functions.decision.Action;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.race.ManualClock;
import dev.snooze.functions.state.InMemoryStateStore;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scaling an awake GPU by requests in flight, through the real Controller over the in-memory store
 * and MIG fakes on a manual clock: out at once on a burst, in only after the scale-in delay and by
 * a draining resize, never past the maximum, never failed over for want of more VMs.
 */
class ScaleOutInTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  /** At least 1, at most 3 VMs, 4 requests each; 5 minutes of lower demand before a VM goes. */
  static final Policy POLICY = new Policy(Duration.ofMinutes(15), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2),
      List.of(new GpuOffer("l4", "us-central1", ProvisioningModel.STANDARD),
          new GpuOffer("t4", "us-central1-b", ProvisioningModel.STANDARD)),
      Duration.ofMinutes(2))
      .withScaling(new Scaling(3, 4, Duration.ofMinutes(5)));

  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryStateStore store = new InMemoryStateStore();
  private final FakeMig l4 = new FakeMig(clock);
  private final FakeMig t4 = new FakeMig(clock);
  private final AtomicInteger ids = new AtomicInteger();
  private final Controller controller = new Controller(POLICY, SleepMode.DELETE, store, migs(), clock,
      () -> "id" + ids.incrementAndGet());
  private int messages;

  private Map<String, Mig> migs() {
    Map<String, Mig> migs = new LinkedHashMap<>();
    migs.put("l4", l4);
    migs.put("t4", t4);
    return migs;
  }

  /** A report published 100 ms after the previous step (Pub/Sub stamps each message). */
  private Action report(String frontend, int inFlight) {
    clock.advance(Duration.ofMillis(100));
    return controller.onActivity(new Activity("m" + (++messages), clock.instant(), frontend,
        ActivityMessage.Kind.HEARTBEAT, inFlight));
  }

  private void awakeWithOneVm() {
    report("fe-a", 1);
    controller.tick();
    assertThat(store.read().phase()).isEqualTo(Phase.AWAKE);
    assertThat(l4.observe().targetSize()).isEqualTo(1);
  }

  @Test
  void aBurstAcrossTwoFrontendsScalesOutAtOnceToCeilOfInFlightOverTarget() {
    awakeWithOneVm();
    clock.advance(Duration.ofSeconds(5));

    Action first = report("fe-a", 5);
    Action second = report("fe-b", 4);

    assertThat(first).isInstanceOf(Action.Scale.class);
    assertThat(((Action.Scale) first).size()).as("5 in flight at 4 per VM").isEqualTo(2);
    assertThat(((Action.Scale) second).size()).as("9 in flight across both frontends").isEqualTo(3);
    assertThat(l4.observe().targetSize()).isEqualTo(3);
    assertThat(l4.observe().instances()).filteredOn(i -> i.serving()).hasSize(3);
    assertThat(t4.wakeCalls()).isZero();

    StatusView.ScaleView scale = controller.status().scale();
    assertThat(scale).isEqualTo(new StatusView.ScaleView(1, 3, 4, 9, 3, 3, 3, null,
        clock.instant().plus(Duration.ofMinutes(5)).plusSeconds(10)));
    assertThat(store.read().history()).filteredOn(e -> e.kind() == SnoozeState.EventKind.SCALE)
        .extracting(SnoozeState.HistoryEvent::reason)
        .containsExactly("1 → 2 GPU VMs: 5 request(s) in flight need 2 GPU VMs at 4 per VM; 1 asked for",
            "2 → 3 GPU VMs: 9 request(s) in flight need 3 GPU VMs at 4 per VM (the most allowed); 2 asked for");
  }

  @Test
  void aRepeatedReportResizesNothingMore() {
    awakeWithOneVm();
    report("fe-a", 8);
    int wakes = l4.wakeCalls();

    clock.advance(Duration.ofSeconds(30));
    assertThat(report("fe-a", 8)).isEqualTo(Action.NONE);
    controller.tick();

    assertThat(l4.wakeCalls()).isEqualTo(wakes);
    assertThat(l4.observe().targetSize()).isEqualTo(2);
  }

  @Test
  void aLullScalesInOnlyAfterTheDelayByADrainingResizeAndNeverSleeps() {
    awakeWithOneVm();
    report("fe-a", 12);
    assertThat(l4.observe().targetSize()).isEqualTo(3);
    Instant burst = clock.instant();

    // The burst ends: one request left, reported by heartbeats every 30 s.
    for (int s = 30; s < 300; s += 30) {
      clock.advance(Duration.between(clock.instant(), burst.plusSeconds(s)));
      report("fe-a", 1);
      controller.tick();
      assertThat(l4.observe().targetSize()).as("%d s after the burst", s).isEqualTo(3);
    }
    clock.advance(Duration.between(clock.instant(), burst.plus(Duration.ofMinutes(5)).plusSeconds(10)));
    report("fe-a", 1);
    controller.tick();

    assertThat(l4.observe().targetSize()).isEqualTo(1);
    assertThat(l4.drained()).as("removed by a resize, which the load balancer drains").hasSize(2);
    assertThat(l4.sleepCalls()).isZero();
    assertThat(store.read().phase()).isEqualTo(Phase.AWAKE);
    assertThat(store.read().history().get(store.read().history().size() - 1).reason())
        .isEqualTo("3 → 1 GPU VMs: no more than 1 GPU VM(s) needed for the scale-in delay of 5m (1 request(s) in"
            + " flight now); the load balancer drains the VM(s) removed");
  }

  @Test
  void demandBetweenStepsScalesInOneStepAtATime() {
    awakeWithOneVm();
    report("fe-a", 12); // 3 VMs
    clock.advance(Duration.ofMinutes(2));
    report("fe-a", 6); // 2 VMs still needed
    clock.advance(Duration.ofMinutes(3).plusSeconds(20));
    report("fe-a", 0);
    controller.tick();
    assertThat(l4.observe().targetSize()).as("3 last needed 5m20s ago, 2 only 3m20s ago").isEqualTo(2);

    clock.advance(Duration.ofMinutes(2));
    controller.tick();
    assertThat(l4.observe().targetSize()).isEqualTo(1);
  }

  @Test
  void reportsOlderThanTheHeartbeatTtlDoNotCount() {
    awakeWithOneVm();
    report("fe-b", 7);
    assertThat(l4.observe().targetSize()).as("1 + 7 in flight").isEqualTo(2);

    clock.advance(Duration.ofMinutes(2)); // fe-b went silent: its 7 are stale
    report("fe-a", 1);

    assertThat(controller.status().scale().inFlight()).isEqualTo(1);
    assertThat(controller.status().scale().wanted()).isEqualTo(1);
  }

  @Test
  void demandAboveTheMaximumStaysAtTheMaximumAndStatusSaysSo() {
    awakeWithOneVm();

    report("fe-a", 40);

    assertThat(l4.observe().targetSize()).isEqualTo(3);
    assertThat(controller.status().scale().limit())
        .isEqualTo("at the maximum of 3 GPU VMs (40 requests in flight, 4 per VM)");
  }

  @Test
  void anOfferWithNoRoomForMoreVmsKeepsServingAndStatusSaysWhyNoOtherOfferIsTried() {
    awakeWithOneVm();
    l4.stockout(true);

    report("fe-a", 12);
    clock.advance(Duration.ofMinutes(3));
    report("fe-a", 12);
    controller.tick();

    assertThat(store.read().phase()).isEqualTo(Phase.AWAKE);
    assertThat(store.read().offer()).isEqualTo("l4");
    assertThat(t4.wakeCalls()).as("no spill to another offer while one serves").isZero();
    StatusView.ScaleView scale = controller.status().scale();
    assertThat(scale.serving()).isEqualTo(1);
    assertThat(scale.size()).isEqualTo(3);
    assertThat(scale.limit()).startsWith("l4: ZONE_RESOURCE_POOL_EXHAUSTED (")
        .endsWith("): 1 of 3 VMs serve; the MIG keeps trying for the rest");
  }

  @Test
  void requestsHeldWhileAsleepWakeTheVmsTheyNeed() {
    report("fe-a", 7);

    assertThat(store.read().phase()).isEqualTo(Phase.WAKING);
    assertThat(l4.observe().targetSize()).isEqualTo(2);
    assertThat(store.read().ledger().chargedSize()).isEqualTo(2);
  }

  @Test
  void sleepStillWaitsForTheIdleTimeoutAndTakesEveryVm() {
    awakeWithOneVm();
    report("fe-a", 12);
    report("fe-a", 0);

    clock.advance(Duration.ofMinutes(15).plusSeconds(10));
    controller.tick();

    assertThat(store.read().phase()).isEqualTo(Phase.ASLEEP);
    assertThat(store.read().size()).isZero();
    assertThat(l4.observe().targetSize()).isZero();
  }

  @Test
  void aResizeThatLandsAfterASleepIsUndoneAndOneAfterANewerSizeIsRedone() {
    SnoozeState awake = SnoozeState.initial().withPhase(Phase.AWAKE, T0).withOffer("l4", T0).withSize(3);
    Action.Scale toThree = new Action.Scale("s1", "burst", "l4", 1, 3);

    assertThat(Decisions.afterScale(awake.withSize(2), POLICY, toThree, "n1").result())
        .isEqualTo(new Action.Scale("n1", "a newer size of 2 was decided while l4 was resized to 3", "l4", 3, 2));
    assertThat(Decisions.afterScale(awake, POLICY, toThree, "n2").result()).isEqualTo(Action.NONE);
    assertThat(Decisions.afterScale(awake.withPhase(Phase.SLEEPING, T0), POLICY, toThree, "n3").result())
        .isEqualTo(new Action.GiveUp("n3", "the GPU went to sleep or moved to another offer while l4 was resized to 3",
            List.of("l4")));
  }
}
