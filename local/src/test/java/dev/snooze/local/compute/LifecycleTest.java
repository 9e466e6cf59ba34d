package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.boot.BootStage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Provisioning as given, then the guest's four stages in 2 s, as the compressed preset has them. */
  private static BootTimes boot(long provisioningSeconds) {
    return SimStages.defaults().fresh().withProvisioning(Duration.ofSeconds(provisioningSeconds));
  }

  private static InstanceView at(InstanceCommand c, long seconds) {
    return Lifecycle.derive(c, T0.plusSeconds(seconds));
  }

  @Test
  void createdInstanceProvisionsStagesRunsThenTurnsHealthy() {
    var create = new InstanceCommand.Create(T0, T0, boot(20));
    assertThat(at(create, 0)).isEqualTo(new InstanceView("PROVISIONING", "CREATING", null, false, false));
    assertThat(at(create, 10)).isEqualTo(new InstanceView("STAGING", "CREATING", null, false, false));
    assertThat(at(create, 20)).isEqualTo(new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false));
    assertThat(at(create, 22)).isEqualTo(new InstanceView("RUNNING", "NONE", "HEALTHY", false, false));
    assertThat(at(create, 22).servingTraffic()).isTrue();
  }

  @Test
  void createWaitingForCapacityHasNoStatusUntilBootingStarts() {
    var waiting = new InstanceCommand.Create(T0, null, boot(20));
    assertThat(at(waiting, 3600)).isEqualTo(new InstanceView(null, "CREATING", null, true, false));
    var booting = waiting.bootingFrom(T0.plusSeconds(100), boot(20));
    assertThat(at(booting, 100).status()).isEqualTo("PROVISIONING");
    assertThat(at(booting, 122).servingTraffic()).isTrue();
  }

  @Test
  void startIsItsOwnActionAndTakesTheStartTime() {
    var start = new InstanceCommand.Start(T0, T0, boot(8));
    assertThat(at(start, 1).action()).isEqualTo("STARTING");
    assertThat(at(start, 8)).isEqualTo(new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false));
    assertThat(at(start, 10).servingTraffic()).isTrue();
    var waiting = new InstanceCommand.Start(T0, null, boot(8));
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
  void aDrainingDeleteKeepsTheVmRunningForTheDrainTimeoutThenStopsAndGoes() {
    var delete = new InstanceCommand.Delete(T0, Duration.ofSeconds(30), Duration.ofSeconds(3));
    assertThat(at(delete, 0)).isEqualTo(new InstanceView("RUNNING", "DELETING", "DRAINING", false, false));
    assertThat(at(delete, 29)).isEqualTo(new InstanceView("RUNNING", "DELETING", "DRAINING", false, false));
    assertThat(at(delete, 29).draining()).isTrue();
    assertThat(at(delete, 29).servingTraffic()).as("no new requests while draining").isFalse();
    assertThat(at(delete, 30)).isEqualTo(new InstanceView("STOPPING", "DELETING", null, false, false));
    assertThat(at(delete, 30).draining()).isFalse();
    assertThat(at(delete, 33).gone()).isTrue();
  }

  @Test
  void aPreemptedVmStopsThenIsRecreatedUnderTheRecreatingAction() {
    // DELETE: once stopped, the VM is gone and a fresh one boots (20 s).
    var deleted = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), Scheduling.TerminationAction.DELETE,
        T0.plusSeconds(3), boot(20));
    assertThat(at(deleted, 1)).isEqualTo(new InstanceView("STOPPING", "RECREATING", null, false, false));
    assertThat(at(deleted, 3)).isEqualTo(new InstanceView("PROVISIONING", "RECREATING", null, false, false));
    assertThat(at(deleted, 23)).isEqualTo(new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false));
    assertThat(at(deleted, 25)).isEqualTo(new InstanceView("RUNNING", "NONE", "HEALTHY", false, false));
    // STOP: the stopped VM is started again (8 s).
    var stopped = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), Scheduling.TerminationAction.STOP,
        T0.plusSeconds(3), boot(8));
    assertThat(at(stopped, 4).status()).isEqualTo("PROVISIONING");
    assertThat(at(stopped, 13).servingTraffic()).isTrue();
  }

  @Test
  void aRecreationWaitingForCapacityHasNoVmAfterDeleteAndATerminatedOneAfterStop() {
    var deleted = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), Scheduling.TerminationAction.DELETE,
        null, boot(20));
    assertThat(at(deleted, 2)).isEqualTo(new InstanceView("STOPPING", "RECREATING", null, false, false));
    assertThat(at(deleted, 600)).isEqualTo(new InstanceView(null, "RECREATING", null, true, false));
    var stopped = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), Scheduling.TerminationAction.STOP,
        null, boot(8));
    assertThat(at(stopped, 600)).isEqualTo(new InstanceView("TERMINATED", "RECREATING", null, true, false));
    assertThat(at(stopped.bootingFrom(T0.plusSeconds(600)), 610).servingTraffic()).isTrue();
  }

  @Test
  void aClockSteppingBackNeverUnboots() {
    var create = new InstanceCommand.Create(T0, T0, boot(20));
    assertThat(Lifecycle.derive(create, T0.minusSeconds(5)).status()).isEqualTo("PROVISIONING");
  }

  /** Provisioning 10 s, booting 3, driver 5, pulling-image 7, starting-container 2, loading-model 4. */
  private static final BootTimes STAGED = new BootTimes(Duration.ofSeconds(10), Duration.ofSeconds(3),
      Duration.ofSeconds(5), Duration.ofSeconds(7), Duration.ofSeconds(2), Duration.ofSeconds(4));

  private static List<String> reported(InstanceCommand c, double seconds) {
    Instant now = T0.plusMillis(Math.round(seconds * 1000));
    return Lifecycle.currentRun(c, now).map(run -> Lifecycle.reportedStages(run, now)).orElse(List.of()).stream()
        .map(a -> a.namespace() + "/" + a.key() + "=" + a.value()).toList();
  }

  private static String stamp(long seconds) {
    return Lifecycle.STAGE_TIME.format(T0.plusSeconds(seconds));
  }

  @Test
  void aBootReportsEveryGuestStageInOrderEachWhenItBeginsAndTurnsHealthyWithTheContainer() {
    var create = new InstanceCommand.Create(T0, T0, STAGED);
    assertThat(at(create, 9).status()).isEqualTo("STAGING");
    assertThat(reported(create, 9.999)).as("nothing while Compute provisions").isEmpty();

    assertThat(at(create, 10)).isEqualTo(new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false));
    assertThat(reported(create, 10)).containsExactly("snooze/booting=" + stamp(10));
    assertThat(reported(create, 12.999)).containsExactly("snooze/booting=" + stamp(10));
    assertThat(reported(create, 13)).containsExactly("snooze/booting=" + stamp(10), "snooze/driver=" + stamp(13));
    assertThat(reported(create, 18)).containsExactly(
        "snooze/booting=" + stamp(10), "snooze/driver=" + stamp(13), "snooze/pulling-image=" + stamp(18));
    assertThat(at(create, 24).health()).isEqualTo("UNKNOWN");
    assertThat(reported(create, 25)).containsExactly("snooze/booting=" + stamp(10), "snooze/driver=" + stamp(13),
        "snooze/pulling-image=" + stamp(18), "snooze/starting-container=" + stamp(25));
    assertThat(at(create, 26).health()).as("the container is still starting").isEqualTo("UNKNOWN");
    assertThat(at(create, 27)).isEqualTo(new InstanceView("RUNNING", "NONE", "HEALTHY", false, false));
    assertThat(reported(create, 600)).as("loading-model and ready are the VM's own reports").hasSize(4);
    assertThat(stamp(13)).isEqualTo("2026-01-01T00:00:13.000Z");
  }

  @Test
  void zeroLengthStagesAreStillReportedInOrder() {
    var create = new InstanceCommand.Create(T0, T0, STAGED.with(BootStage.DRIVER, Duration.ZERO));
    assertThat(reported(create, 13)).containsExactly(
        "snooze/booting=" + stamp(10), "snooze/driver=" + stamp(13), "snooze/pulling-image=" + stamp(13));
  }

  @Test
  void aRestartedStoppedVmSkipsMostOfTheDriverAndThePull() {
    for (SimStages.Preset preset : SimStages.Preset.values()) {
      SimStages stages = preset.stages();
      assertThat(stages.restart().untilReady()).as(preset + " restart").isLessThan(stages.fresh().untilReady());
      assertThat(stages.restart().provisioning()).isLessThan(stages.fresh().provisioning());
      assertThat(stages.restart().driver()).isLessThan(stages.fresh().driver());
      assertThat(stages.restart().pullingImage()).isLessThan(stages.fresh().pullingImage());
      assertThat(stages.restart().loadingModel()).as("the model loads from disk either way")
          .isEqualTo(stages.fresh().loadingModel());
    }
    SimStages realistic = SimStages.Preset.REALISTIC.stages();
    var start = new InstanceCommand.Start(T0, T0, realistic.restart());
    // 16 s provisioning, 25 s booting, 5 s checking the installed driver, 2 s for the cached image.
    assertThat(reported(start, 48)).containsExactly("snooze/booting=" + stamp(16), "snooze/driver=" + stamp(41),
        "snooze/pulling-image=" + stamp(46), "snooze/starting-container=" + stamp(48));
    assertThat(at(start, 52).health()).isEqualTo("UNKNOWN");
    assertThat(at(start, 53).servingTraffic()).isTrue();
    var create = new InstanceCommand.Create(T0, T0, realistic.fresh());
    assertThat(at(create, 53).status()).as("a fresh VM is still booting then").isEqualTo("RUNNING");
    assertThat(at(create, 53).health()).isEqualTo("UNKNOWN");
    assertThat(at(create, 220).servingTraffic()).isTrue();
  }

  @Test
  void aRecreatedVmBootsThroughTheStagesAgainFromItsRecreation() {
    for (Scheduling.TerminationAction action : Scheduling.TerminationAction.values()) {
      var preempt = new InstanceCommand.Preempt(T0, Duration.ofSeconds(3), action, T0.plusSeconds(3), STAGED);
      assertThat(reported(preempt, 2)).as("stopping: the recreated VM reports nothing yet").isEmpty();
      assertThat(reported(preempt, 12.9)).isEmpty();
      assertThat(reported(preempt, 13)).containsExactly("snooze/booting=" + stamp(13));
      assertThat(reported(preempt, 28)).last().isEqualTo("snooze/starting-container=" + stamp(28));
      assertThat(at(preempt, 29).health()).isEqualTo("UNKNOWN");
      assertThat(at(preempt, 30).servingTraffic()).isTrue();
      var waiting = preempt.waiting();
      assertThat(reported(waiting, 600)).as(action + ": waiting for capacity, no VM boots").isEmpty();
      assertThat(reported(waiting.bootingFrom(T0.plusSeconds(600)), 610)).containsExactly("snooze/booting=" + stamp(610));
    }
  }

  @Test
  void aStoppedVmKeepsItsLastRunsAttributesUntilItStartsAgainAndADeletedOneLosesThem() {
    var record = new InstanceRecord("p", "z", "vm", 1, new InstanceCommand.Create(T0, T0, STAGED))
        .writing(new GuestAttribute("snooze", "loading-model", "x"));
    var stopped = record.then(new InstanceCommand.Stop(T0.plusSeconds(15), Duration.ofSeconds(3)));
    assertThat(stopped.written()).isEmpty();
    assertThat(stopped.previous().endedAt()).isEqualTo(T0.plusSeconds(15));
    assertThat(stopped.previous().written()).containsKey("snooze/loading-model");
    assertThat(Lifecycle.keepsPrevious(stopped.command(), T0.plusSeconds(100))).isTrue();
    assertThat(Lifecycle.reportedStages(stopped.previous(), T0.plusSeconds(100))).as("reported until it stopped")
        .extracting(GuestAttribute::key).containsExactly("booting", "driver");

    var waitingStart = stopped.then(new InstanceCommand.Start(T0.plusSeconds(200), null, STAGED));
    assertThat(waitingStart.previous()).as("a start waiting for capacity ends no run").isEqualTo(stopped.previous());
    assertThat(Lifecycle.currentRun(waitingStart.command(), T0.plusSeconds(300))).isEmpty();
    assertThat(Lifecycle.currentRun(
        waitingStart.with(((InstanceCommand.Start) waitingStart.command()).bootingFrom(T0.plusSeconds(300))).command(),
        T0.plusSeconds(300))).as("booting again: a fresh run").isPresent();

    var preemptedDelete = record.then(new InstanceCommand.Preempt(T0.plusSeconds(30), Duration.ofSeconds(3),
        Scheduling.TerminationAction.DELETE, T0.plusSeconds(33), STAGED));
    assertThat(Lifecycle.keepsPrevious(preemptedDelete.command(), T0.plusSeconds(32))).isTrue();
    assertThat(Lifecycle.keepsPrevious(preemptedDelete.command(), T0.plusSeconds(33))).as("the VM was deleted").isFalse();
    assertThat(Lifecycle.keepsPrevious(new InstanceCommand.Create(T0, null, STAGED), T0)).isFalse();
  }
}
