package dev.snooze.functions.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.config.GpuOffer;
import dev.snooze.config.GpuOffer.ProvisioningModel;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.compute.FakeMig;
import dev.snooze.functions.compute.Mig;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.InMemoryStateStore;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.race.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The controller carrying failovers out on three offers' MIGs: give up first, then wake the next. */
class ControllerFailoverTest {
  private static final Policy POLICY = new Policy(Duration.ofMinutes(15), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2),
      List.of(new GpuOffer("l4-spot", "us-central1", ProvisioningModel.SPOT),
          new GpuOffer("l4", "us-central1", ProvisioningModel.STANDARD),
          new GpuOffer("t4", "us-central1-b", ProvisioningModel.STANDARD)),
      Duration.ofMinutes(2));

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final InMemoryStateStore store = new InMemoryStateStore();
  private final FakeMig spot = new FakeMig(clock);
  private final FakeMig l4 = new FakeMig(clock);
  private final FakeMig t4 = new FakeMig(clock);
  private final AtomicInteger ids = new AtomicInteger();
  private final Controller controller = new Controller(POLICY, SleepMode.DELETE, store, migs(), clock,
      () -> "id" + ids.incrementAndGet());

  private Map<String, Mig> migs() {
    Map<String, Mig> migs = new LinkedHashMap<>();
    migs.put("l4-spot", spot);
    migs.put("l4", l4);
    migs.put("t4", t4);
    return migs;
  }

  private Activity request(String id) {
    return new Activity(id, clock.instant(), "frontend", ActivityMessage.Kind.REQUEST, null);
  }

  @Test
  void aStockedOutPreferredOfferIsGivenUpAndTheNextWokenInTheSameInvocation() {
    spot.stockout(true);

    controller.onActivity(request("m1"));

    assertThat(spot.observe().targetSize()).as("no creation left queued").isZero();
    assertThat(spot.observe().instances()).isEmpty();
    assertThat(l4.observe().targetSize()).isEqualTo(1);
    assertThat(l4.observe().serving()).isTrue();
    assertThat(t4.wakeCalls()).isZero();
    assertThat(store.read().offer()).isEqualTo("l4");

    clock.advance(Duration.ofSeconds(30));
    controller.tick();
    StatusView status = controller.status();
    assertThat(status.phase()).isEqualTo(Phase.AWAKE);
    assertThat(status.offer()).isEqualTo("l4");
    assertThat(status.offers()).extracting(StatusView.Offer::state).containsExactly(
        StatusView.OfferState.FAILED, StatusView.OfferState.SERVING, StatusView.OfferState.ASLEEP);
    assertThat(status.offers().get(0).lastFailure().code()).isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");
    assertThat(status.toJson()).contains("\"offer\":\"l4\"", "\"model\":\"SPOT\"", "\"state\":\"FAILED\"");
  }

  @Test
  void everyOfferOutIsAnErrorAndTheWakeComesOnceCapacityIsBack() {
    spot.stockout(true);
    l4.stockout(true);
    t4.stockout(true);

    controller.onActivity(request("m1"));

    StatusView status = controller.status();
    assertThat(status.phase()).isEqualTo(Phase.ERROR);
    assertThat(status.lastError().code()).isEqualTo(Decisions.NO_OFFER);
    assertThat(status.lastError().message()).contains("l4-spot ZONE_RESOURCE_POOL_EXHAUSTED",
        "l4 ZONE_RESOURCE_POOL_EXHAUSTED", "t4 ZONE_RESOURCE_POOL_EXHAUSTED");
    assertThat(List.of(spot.observe().targetSize(), l4.observe().targetSize(), t4.observe().targetSize()))
        .as("only the last keeps trying").containsExactly(0, 0, 1);

    spot.stockout(false);
    clock.advance(Duration.ofMinutes(2));
    controller.onActivity(request("m2"));
    controller.tick(); // round again: the spot offer's failure has aged

    assertThat(spot.observe().serving()).isTrue();
    assertThat(t4.observe().targetSize()).as("given up once another serves").isZero();
    controller.tick();
    assertThat(controller.status().phase()).isEqualTo(Phase.AWAKE);
    assertThat(controller.status().offer()).isEqualTo("l4-spot");
  }

  @Test
  void aPreemptedSpotVmHandsOverAndSleepEmptiesEveryOffer() {
    controller.onActivity(request("m1"));
    controller.tick();
    assertThat(controller.status().offer()).isEqualTo("l4-spot");

    spot.stockout(true);
    spot.preempt();
    clock.advance(Duration.ofMinutes(1));
    controller.onActivity(request("m2"));
    controller.tick();

    assertThat(store.read().offer()).isEqualTo("l4");
    assertThat(l4.observe().serving()).isTrue();
    assertThat(spot.observe().targetSize()).isZero();
    controller.tick(); // the first check that sees it serve starts its GPU time

    clock.advance(POLICY.sleepAfter());
    controller.tick();
    assertThat(store.read().phase()).isEqualTo(Phase.ASLEEP);
    assertThat(List.of(spot.observe().targetSize(), l4.observe().targetSize(), t4.observe().targetSize()))
        .containsExactly(0, 0, 0);
    assertThat(controller.status().offers().get(1).gpuSeconds()).isEqualTo(POLICY.sleepAfter().toSeconds());
  }
}
