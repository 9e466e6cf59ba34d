package dev.snooze.functions.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.boot.BootStage;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.control.StatusView;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.BootSample;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The boot stages a VM reports, as Status shows them and the checks learn from: what a report must
 * be to count, the ETA before and after the first wake, and when the GPU counts as serving.
 */
class BootStagesTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  static final Policy POLICY = new Policy(Duration.ofMinutes(15), 1, Duration.ofSeconds(10), Duration.ofMinutes(10),
      Duration.ofMinutes(2), Duration.ofMinutes(2),
      List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)),
      Duration.ofMinutes(2), SleepMode.DELETE, Duration.ofSeconds(200), dev.snooze.functions.schedule.WarmWindows.NONE,
      Duration.ofMinutes(1), null, null);

  /** Stage starts, seconds after T0: provisioning 30 s, booting 20, driver 60, image 40, container 5, model 45. */
  static final Map<String, Integer> STARTS = starts();

  private static Map<String, Integer> starts() {
    Map<String, Integer> starts = new LinkedHashMap<>();
    starts.put("booting", 30);
    starts.put("driver", 50);
    starts.put("pulling-image", 110);
    starts.put("starting-container", 150);
    starts.put("loading-model", 155);
    starts.put("ready", 200);
    return starts;
  }

  /** The attributes a VM has written by {@code second}. */
  static Map<String, String> reportedBy(int second) {
    Map<String, String> attributes = new LinkedHashMap<>();
    STARTS.forEach((stage, at) -> {
      if (at <= second) {
        attributes.put(stage, T0.plusSeconds(at).toString());
      }
    });
    return attributes;
  }

  static MigView vm(String status, String health, Map<String, String> attributes) {
    return new MigView(1, 0, false, List.of(new MigView.Instance("gpu-1", "us-central1-a", status, health, "NONE",
        null, BootReport.read(attributes))), null);
  }

  static MigView at(int second) {
    if (second < 30) {
      return vm("STAGING", "", Map.of());
    }
    return vm("RUNNING", second >= 155 ? "HEALTHY" : "UNKNOWN", reportedBy(second));
  }

  static SnoozeState waking() {
    return SnoozeState.initial().withPhase(Phase.WAKING, T0).withOffer("snooze-gpu", T0).withWokeAt(T0)
        .withActivity(T0, "frontend");
  }

  @Test
  void aMalformedOutOfOrderOrUnknownReportIsLeftOutWithTheReasonAndNeverMakesTheVmReady() {
    Map<String, String> attributes = new LinkedHashMap<>(reportedBy(160));
    attributes.put("ready", "soon");                                   // malformed
    attributes.put("warp-drive", T0.plusSeconds(170).toString());      // unknown stage
    BootReport malformed = BootReport.read(attributes);
    assertThat(malformed.ready()).isFalse();
    assertThat(malformed.current()).isEqualTo(BootStage.LOADING_MODEL);
    assertThat(malformed.problems()).containsExactlyInAnyOrder(
        "stage ready has no RFC 3339 time: \"soon\"", "unknown stage \"warp-drive\"");

    Map<String, String> outOfOrder = new LinkedHashMap<>(reportedBy(160));
    outOfOrder.put("ready", T0.plusSeconds(40).toString()); // before loading-model: an earlier boot's
    BootReport stale = BootReport.read(outOfOrder);
    assertThat(stale.ready()).isFalse();
    assertThat(stale.problems()).singleElement().asString().contains("stage ready", "out of order");

    MigView healthyButNotReady = vm("RUNNING", "HEALTHY", outOfOrder);
    assertThat(healthyButNotReady.serving()).as("the container answers but the model is not loaded").isFalse();
    assertThat(vm("RUNNING", "HEALTHY", reportedBy(200)).serving()).isTrue();
    assertThat(vm("RUNNING", "HEALTHY", Map.of()).serving()).as("a VM that reports no stages goes by its health")
        .isTrue();
  }

  @Test
  void statusWalksThroughEveryStageInOrderWithTheConfiguredGuessBeforeTheFirstWake() {
    List<String> seen = new java.util.ArrayList<>();
    for (int second = 0; second <= 200; second += 5) {
      StatusView view = StatusView.of(waking(), at(second), POLICY, T0.plusSeconds(second));
      StatusView.Boot boot = view.boot();
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(boot.stage())) {
        seen.add(boot.stage());
      }
      assertThat(boot.etaSource()).isEqualTo("configured");
      assertThat(boot.stages()).extracting(StatusView.Stage::name)
          .containsExactly("provisioning", "booting", "driver", "pulling-image", "starting-container", "loading-model", "ready");
    }
    assertThat(seen).containsExactly("provisioning", "booting", "driver", "pulling-image", "starting-container",
        "loading-model", "ready");

    StatusView pulling = StatusView.of(waking(), at(120), POLICY, T0.plusSeconds(120));
    assertThat(pulling.expectedWakeSeconds()).isEqualTo(200);
    assertThat(pulling.boot().stageSeconds()).isEqualTo(10);
    assertThat(pulling.boot().stages()).extracting(StatusView.Stage::state)
        .containsExactly("done", "done", "done", "current", "pending", "pending", "pending");
    assertThat(pulling.boot().stages().get(2).seconds()).as("driver took 60 s").isEqualTo(60.0);
    assertThat(pulling.phase()).isEqualTo(Phase.WAKING);

    StatusView loading = StatusView.of(waking(), at(160), POLICY, T0.plusSeconds(160));
    assertThat(loading.phase()).as("healthy, but the model still loads").isEqualTo(Phase.WAKING);
    StatusView ready = StatusView.of(waking(), at(200), POLICY, T0.plusSeconds(200));
    assertThat(ready.phase()).isEqualTo(Phase.AWAKE);
    assertThat(ready.boot().etaSeconds()).isZero();
  }

  @Test
  void theCheckThatSeesTheWakeReadyLearnsItsStageTimesAndTheNextWakesEtaFollowsThem() {
    SnoozeState waking = waking();
    SnoozeState awake = Decisions.onTick(waking, Map.of("snooze-gpu", at(200)), POLICY, T0.plusSeconds(230), "t1")
        .next();
    assertThat(awake.phase()).isEqualTo(Phase.AWAKE);
    List<BootSample> boots = awake.offerRecord("snooze-gpu").boots();
    assertThat(boots).singleElement().satisfies(sample -> {
      assertThat(sample.mode()).isEqualTo("DELETE");
      assertThat(sample.took()).containsEntry(BootStage.PROVISIONING, Duration.ofSeconds(30))
          .containsEntry(BootStage.DRIVER, Duration.ofSeconds(60))
          .containsEntry(BootStage.LOADING_MODEL, Duration.ofSeconds(45));
      assertThat(sample.total()).isEqualTo(Duration.ofSeconds(200));
    });

    // Asleep again: the next wake is expected to take what this one took, not the guess.
    SnoozeState asleep = awake.withPhase(Phase.ASLEEP, T0.plusSeconds(2000)).withOffer(null, T0.plusSeconds(2000));
    StatusView before = StatusView.of(asleep, at(0), POLICY, T0.plusSeconds(2000));
    assertThat(before.expectedWakeSource()).isEqualTo("learned");
    assertThat(before.expectedWakeSeconds()).isEqualTo(200);
    assertThat(before.boot()).isNull();

    Instant t1 = T0.plusSeconds(3000);
    SnoozeState again = asleep.withPhase(Phase.WAKING, t1).withOffer("snooze-gpu", t1).withWokeAt(t1);
    MigView pulling = vm("RUNNING", "UNKNOWN", Map.of("booting", t1.plusSeconds(30).toString(),
        "driver", t1.plusSeconds(50).toString(), "pulling-image", t1.plusSeconds(110).toString()));
    StatusView.Boot boot = StatusView.of(again, pulling, POLICY, t1.plusSeconds(120)).boot();
    assertThat(boot.etaSource()).isEqualTo("learned");
    assertThat(boot.learnedFrom()).isEqualTo(1);
    assertThat(boot.etaSeconds()).as("30 s of the image left, then 5 + 45").isEqualTo(80);
  }

  @Test
  void aWakeFromStopIsLearnedApartFromAWakeFromDeletion() {
    SnoozeState.OfferRecord record = new SnoozeState.OfferRecord("snooze-gpu", null, List.of(
        new BootSample("DELETE", T0, Map.of(BootStage.PROVISIONING, Duration.ofSeconds(200))),
        new BootSample("STOP", T0, Map.of(BootStage.PROVISIONING, Duration.ofSeconds(20)))));
    assertThat(BootEstimate.of(record.boots(), "STOP", Duration.ofSeconds(90)).total()).isEqualTo(Duration.ofSeconds(20));
    assertThat(BootEstimate.of(record.boots(), "DELETE", Duration.ofSeconds(90)).total()).isEqualTo(Duration.ofSeconds(200));
    assertThat(BootEstimate.of(List.of(), "DELETE", Duration.ofSeconds(90)).total()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void stagesLeftFromAnEarlierBootDoNotCountForThisWake() {
    // A stopped VM restarted: the old boot's attributes are older than this wake.
    MigView old = vm("RUNNING", "UNKNOWN", reportedBy(200));
    StatusView.Boot boot = StatusView.of(waking().withOffer("snooze-gpu", T0.plusSeconds(500)), old, POLICY,
        T0.plusSeconds(510)).boot();
    assertThat(boot.stage()).isEqualTo("booting");
    assertThat(boot.reported()).isFalse();
  }
}
