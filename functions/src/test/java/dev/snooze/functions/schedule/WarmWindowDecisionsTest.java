package dev.snooze.functions.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.boot.BootStage;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.config.SnoozeConfig;
import dev.snooze.functions.control.StatusView;
import dev.snooze.functions.decision.Action;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.BootSample;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduled check with warm windows, on an injected clock: ready at the start, awake inside, idle rules outside. */
class WarmWindowDecisionsTest {
  private static final Policy POLICY = new Policy(Duration.ofMinutes(15), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2),
      List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)), Duration.ofMinutes(2))
      .withWindows(WarmWindows.parse("Mon-Fri 09:00-17:30 Europe/Warsaw"));
  private static final MigView EMPTY = new MigView(0, 0, true, List.of(), null);
  private static final MigView SERVING = new MigView(1, 0, true,
      List.of(new MigView.Instance("gpu-1", "us-central1-a", "RUNNING", "HEALTHY", "NONE")), null);

  private static Instant warsaw(String local) {
    return LocalDateTime.parse(local).atZone(ZoneId.of("Europe/Warsaw")).toInstant();
  }

  private static Action tick(SnoozeState state, MigView mig, Instant at) {
    return Decisions.onTick(state, Map.of("snooze-gpu", mig), POLICY, at, "t").result();
  }

  @Test
  void theGpuIsWokenAWakeAndACheckBeforeTheWindowSoThatItIsReadyAtItsStart() {
    SnoozeState asleep = SnoozeState.initial();
    // The configured guess (4 min) plus a check interval (1 min): from 08:55 on Monday 2026-12-07.
    assertThat(tick(asleep, EMPTY, warsaw("2026-12-07T08:54:59"))).isEqualTo(Action.NONE);
    Action wake = tick(asleep, EMPTY, warsaw("2026-12-07T08:55"));
    assertThat(wake).isInstanceOf(Action.Wake.class);
    assertThat(((Action.Wake) wake).reason()).isEqualTo("warm window Mon,Tue,Wed,Thu,Fri 09:00-17:30 Europe/Warsaw"
        + " from 2026-12-07T08:00:00Z to 2026-12-07T16:30:00Z");

    // Learned: this offer's wakes take 90 s, so the check wakes it from 08:57:30.
    SnoozeState learned = asleep.withOfferRecord(new SnoozeState.OfferRecord("snooze-gpu", null,
        List.of(new BootSample("DELETE", Instant.EPOCH, Map.of(BootStage.PROVISIONING, Duration.ofSeconds(90))))));
    assertThat(tick(learned, EMPTY, warsaw("2026-12-07T08:57:29"))).isEqualTo(Action.NONE);
    assertThat(tick(learned, EMPTY, warsaw("2026-12-07T08:57:30"))).isInstanceOf(Action.Wake.class);
  }

  @Test
  void insideTheWindowTheGpuNeverSleepsAndAfterItTheIdleTimeoutRulesAgain() {
    Instant woken = warsaw("2026-12-07T08:55");
    SnoozeState awake = SnoozeState.initial().withPhase(Phase.AWAKE, woken).withOffer("snooze-gpu", woken)
        .withWokeAt(woken);
    assertThat(tick(awake, SERVING, warsaw("2026-12-07T13:00"))).as("no activity for hours, inside the window")
        .isEqualTo(Action.NONE);
    assertThat(tick(awake, SERVING, warsaw("2026-12-07T17:29:59"))).isEqualTo(Action.NONE);
    assertThat(tick(awake, SERVING, warsaw("2026-12-07T17:30"))).isInstanceOf(Action.Sleep.class);

    SnoozeState used = awake.withActivity(warsaw("2026-12-07T17:25"), "frontend");
    assertThat(tick(used, SERVING, warsaw("2026-12-07T17:30"))).as("a prompt at 17:25: its idle timeout")
        .isEqualTo(Action.NONE);
    assertThat(tick(used, SERVING, warsaw("2026-12-07T17:40:10"))).isInstanceOf(Action.Sleep.class);
    assertThat(tick(SnoozeState.initial(), EMPTY, warsaw("2026-12-05T10:00"))).as("Saturday").isEqualTo(Action.NONE);
  }

  @Test
  void statusShowsTheWindowUnderWayElseTheNextOne() {
    StatusView.Window next = StatusView.of(SnoozeState.initial(), EMPTY, POLICY, warsaw("2026-12-05T10:00")).warmWindow();
    assertThat(next).isEqualTo(new StatusView.Window("Mon,Tue,Wed,Thu,Fri 09:00-17:30 Europe/Warsaw",
        warsaw("2026-12-07T09:00"), warsaw("2026-12-07T17:30"), false));
    assertThat(StatusView.of(SnoozeState.initial(), EMPTY, POLICY, warsaw("2026-12-07T10:00")).warmWindow().active())
        .isTrue();
    assertThat(StatusView.of(SnoozeState.initial(), EMPTY, POLICY.withWindows(WarmWindows.NONE),
        warsaw("2026-12-07T10:00")).warmWindow()).isNull();
  }

  @Test
  void aMalformedWindowStopsTheFunctionNamingTheVariableAndTheWindow() {
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "snooze-test", "SNOOZE_REGION", "us-central1",
        "SNOOZE_WARM_WINDOWS", "Mon-Fri 09:00-17:30 Europe/Warsaw; Sat 10-12 UTC")))
        .hasMessageContaining("SNOOZE_WARM_WINDOWS window 2: 'Sat 10-12 UTC' is not a warm window: write DAYS HH:MM-HH:MM ZONE")
        .hasMessageContaining("or unset it for none");
    assertThat(SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "snooze-test", "SNOOZE_REGION", "us-central1",
        "SNOOZE_WARM_WINDOWS", "Sat 10:00-12:00 UTC")).policy().windows().toString()).isEqualTo("Sat 10:00-12:00 UTC");
  }
}
