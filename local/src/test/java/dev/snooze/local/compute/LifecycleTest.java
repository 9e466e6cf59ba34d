package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration HEALTH = Duration.ofSeconds(2);

  private static InstanceView at(InstanceCommand c, long seconds) {
    return Lifecycle.derive(c, T0.plusSeconds(seconds), HEALTH);
  }

  @Test
  void createdInstanceProvisionsStagesRunsThenTurnsHealthy() {
    var create = new InstanceCommand.Create(T0, T0, Duration.ofSeconds(20));
    assertThat(at(create, 0)).isEqualTo(new InstanceView("PROVISIONING", "CREATING", null, false, false));
    assertThat(at(create, 10)).isEqualTo(new InstanceView("STAGING", "CREATING", null, false, false));
    assertThat(at(create, 20)).isEqualTo(new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false));
    assertThat(at(create, 22)).isEqualTo(new InstanceView("RUNNING", "NONE", "HEALTHY", false, false));
    assertThat(at(create, 22).servingTraffic()).isTrue();
  }

  @Test
  void createWaitingForCapacityHasNoStatusUntilBootingStarts() {
    var waiting = new InstanceCommand.Create(T0, null, Duration.ofSeconds(20));
    assertThat(at(waiting, 3600)).isEqualTo(new InstanceView(null, "CREATING", null, true, false));
    var booting = waiting.bootingFrom(T0.plusSeconds(100), Duration.ofSeconds(20));
    assertThat(at(booting, 100).status()).isEqualTo("PROVISIONING");
    assertThat(at(booting, 122).servingTraffic()).isTrue();
  }

  @Test
  void startIsItsOwnActionAndTakesTheStartTime() {
    var start = new InstanceCommand.Start(T0, T0, Duration.ofSeconds(8));
    assertThat(at(start, 1).action()).isEqualTo("STARTING");
    assertThat(at(start, 8)).isEqualTo(new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false));
    assertThat(at(start, 10).servingTraffic()).isTrue();
    var waiting = new InstanceCommand.Start(T0, null, Duration.ofSeconds(8));
    assertThat(at(waiting, 50)).isEqualTo(new InstanceView("TERMINATED", "STARTING", null, true, false));
  }

  @Test
  void stopKeepsTheInstanceAndDeleteRemovesIt() {
    var stop = new InstanceCommand.Stop(T0, Duration.ofSeconds(3));
    assertThat(at(stop, 1)).isEqualTo(new InstanceView("STOPPING", "STOPPING", null, false, false));
    assertThat(at(stop, 3)).isEqualTo(new InstanceView("TERMINATED", "NONE", null, false, false));
    var delete = new InstanceCommand.Delete(T0, Duration.ofSeconds(3));
    assertThat(at(delete, 1)).isEqualTo(new InstanceView("STOPPING", "DELETING", null, false, false));
    assertThat(at(delete, 3).gone()).isTrue();
  }

  @Test
  void aPreemptedVmStopsThenIsRecreatedUnderTheRecreatingAction() {
    // DELETE: once stopped, the VM is gone and a fresh one boots (20 s).
    var deleted = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), Scheduling.TerminationAction.DELETE,
        T0.plusSeconds(3), Duration.ofSeconds(20));
    assertThat(at(deleted, 1)).isEqualTo(new InstanceView("STOPPING", "RECREATING", null, false, false));
    assertThat(at(deleted, 3)).isEqualTo(new InstanceView("PROVISIONING", "RECREATING", null, false, false));
    assertThat(at(deleted, 23)).isEqualTo(new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false));
    assertThat(at(deleted, 25)).isEqualTo(new InstanceView("RUNNING", "NONE", "HEALTHY", false, false));
    // STOP: the stopped VM is started again (8 s).
    var stopped = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), Scheduling.TerminationAction.STOP,
        T0.plusSeconds(3), Duration.ofSeconds(8));
    assertThat(at(stopped, 4).status()).isEqualTo("PROVISIONING");
    assertThat(at(stopped, 13).servingTraffic()).isTrue();
  }

  @Test
  void aRecreationWaitingForCapacityHasNoVmAfterDeleteAndATerminatedOneAfterStop() {
    var deleted = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), Scheduling.TerminationAction.DELETE,
        null, Duration.ofSeconds(20));
    assertThat(at(deleted, 2)).isEqualTo(new InstanceView("STOPPING", "RECREATING", null, false, false));
    assertThat(at(deleted, 600)).isEqualTo(new InstanceView(null, "RECREATING", null, true, false));
    var stopped = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), Scheduling.TerminationAction.STOP,
        null, Duration.ofSeconds(8));
    assertThat(at(stopped, 600)).isEqualTo(new InstanceView("TERMINATED", "RECREATING", null, true, false));
    assertThat(at(stopped.bootingFrom(T0.plusSeconds(600)), 610).servingTraffic()).isTrue();
  }

  @Test
  void aClockSteppingBackNeverUnboots() {
    var create = new InstanceCommand.Create(T0, T0, Duration.ofSeconds(20));
    assertThat(Lifecycle.derive(create, T0.minusSeconds(5), HEALTH).status()).isEqualTo("PROVISIONING");
  }
}
