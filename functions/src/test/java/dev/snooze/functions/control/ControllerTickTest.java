package dev.snooze.functions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.FakeMig;
import dev.snooze.functions.compute.PermanentComputeException;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.InMemoryStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ControllerTickTest {
  private static final Policy POLICY = new Policy(Duration.ofMinutes(2), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2), List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)), Duration.ofMinutes(2));

  @Test
  void aMigThatCannotBeReadIsRecordedForStatusAndTheTickFails() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
    InMemoryStateStore store = new InMemoryStateStore();
    FakeMig mig = new FakeMig(clock).failNextPermanent("NOT_FOUND");
    Controller controller = new Controller(POLICY, SleepMode.DELETE, store, Map.of("snooze-gpu", mig), clock, () -> UUID.randomUUID().toString());

    assertThatThrownBy(controller::tick).isInstanceOf(PermanentComputeException.class);

    assertThat(store.read().lastError()).isNotNull();
    assertThat(store.read().lastError().code()).isEqualTo("NOT_FOUND");
    assertThat(store.read().lastError().at()).isEqualTo(clock.instant());
    assertThat(mig.sleepCalls()).isZero();
  }
}
