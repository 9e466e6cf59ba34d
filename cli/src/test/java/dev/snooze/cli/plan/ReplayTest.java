package dev.snooze.cli.plan;

import static dev.snooze.cli.plan.Plans.log;
import static dev.snooze.cli.plan.Plans.replay;
import static dev.snooze.cli.plan.Plans.replayOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small traces whose answers are worked out by hand (in each test's comment), replayed through the
 * functions' Decisions with the defaults: granularity 10 s (the GPU sleeps at the first check at
 * least idle timeout + 10 s after the last activity recorded), checks on the minute, the
 * frontend's 30 s debounce and heartbeat. A request logged with no latency takes no time.
 */
class ReplayTest {
  @TempDir
  Path dir;

  @Test
  void twoRequestsFortyMinutesApartWakeTheGpuTwiceAndBothWaitTheWholeWake() {
    // 10:00 asleep: the request's message claims a wake (charged from 10:00); the GPU serves at
    // 10:04, the request is answered then and the trailing message (a window after the 10:03:30
    // heartbeat) says so at 10:04:00. Idle from 10:04:00 + 15m10s = 10:19:10: the 10:20 check
    // sleeps it. 20 minutes. The same again from 10:40 to 11:00: 40 GPU minutes, 2400 s.
    Outcome outcome = replayOne(log(dir, "two.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:40:00Z"),
        "--idle", "15m", "--wake", "4m");

    assertThat(outcome.wakes()).isEqualTo(2);
    assertThat(outcome.coldStarts()).isEqualTo(2);
    assertThat(outcome.coldPercent()).isEqualTo(100.0);
    assertThat(outcome.gpuMillis()).isEqualTo(2400_000);
    assertThat(outcome.all()).isEqualTo(new Outcome.Waits(240_000, 240_000));
    assertThat(outcome.cold()).isEqualTo(new Outcome.Waits(240_000, 240_000));
    assertThat(outcome.timedOut()).isZero();
  }

  @Test
  void aRequestWithinTheIdleTimeoutFindsTheGpuAwake() {
    // 10:00 wakes it (serving 10:04); 10:10 finds it serving, and is the last activity: sleep at
    // the first check from 10:25:10, 10:26. One wake of 26 minutes; one of two requests waited.
    Outcome outcome = replayOne(log(dir, "near.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:10:00Z"),
        "--idle", "15m");

    assertThat(outcome.wakes()).isEqualTo(1);
    assertThat(outcome.coldStarts()).isEqualTo(1);
    assertThat(outcome.coldPercent()).isEqualTo(50.0);
    assertThat(outcome.gpuMillis()).isEqualTo(26 * 60_000);
    // Waits 0 and 4m: the median (nearest rank) is 0, the 95th 4m.
    assertThat(outcome.all()).isEqualTo(new Outcome.Waits(0, 240_000));
  }

  @Test
  void aLongAnswerKeepsTheGpuAwakeUntilItEndsAndTheIdleTimeoutAfterIt() {
    // Served 10:04 to 10:09 (heartbeats every 30 s meanwhile); the trailing message at 10:09:00
    // (a window after the 10:08:30 heartbeat) is the last activity: sleep at 10:25. 25 minutes.
    Outcome outcome = replayOne(log(dir, "long.txt", "2026-12-03T10:00:00Z"), "--idle", "15m", "--duration", "5m");

    assertThat(outcome.gpuMillis()).isEqualTo(25 * 60_000);
    assertThat(outcome.cold()).isEqualTo(new Outcome.Waits(240_000, 240_000));
  }

  @Test
  void theFrontendRequestLogsLatencyIsHowLongTheRequestTakes() {
    // Logged when it ended, 10:05:00, after 300 s: it began at 10:00:00. As the 5-minute request above.
    Outcome outcome = replayOne(log(dir, "frontend.log", "{\"severity\":\"INFO\",\"message\":\"POST /api/generate 200\","
        + "\"time\":\"2026-12-03T10:05:00.000Z\",\"component\":\"proxy\",\"httpRequest\":{\"requestMethod\":\"POST\","
        + "\"requestUrl\":\"/api/generate\",\"status\":200,\"latency\":\"300.000s\",\"responseSize\":\"1234\"}}"),
        "--idle", "15m");

    assertThat(outcome.gpuMillis()).isEqualTo(25 * 60_000);
  }

  @Test
  void checksComeOnlyEveryCheckIntervalSoTheSleepWaitsForOne() {
    // 10:01 wakes it, serving 10:05, idle from 10:05:00 + 15m10s = 10:20:10: the next check is
    // 10:21 every minute (20 minutes charged), 10:25 every five (24 minutes).
    Path trace = log(dir, "one.txt", "2026-12-03T10:01:00Z");

    assertThat(replayOne(trace, "--check-interval", "1m").gpuMillis()).isEqualTo(20 * 60_000);
    assertThat(replayOne(trace, "--check-interval", "5m").gpuMillis()).isEqualTo(24 * 60_000);
  }

  @Test
  void requestsArrivingDuringTheWakeWaitOnlyForWhatIsLeftOfIt() {
    // 10:00 and 10:01 while waking (serving 10:04): waits 4m and 3m; the median of the two is 3m.
    Outcome outcome = replayOne(log(dir, "during.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:01:00Z"));

    assertThat(outcome.wakes()).isEqualTo(1);
    assertThat(outcome.coldStarts()).isEqualTo(2);
    assertThat(outcome.all()).isEqualTo(new Outcome.Waits(180_000, 240_000));
    assertThat(outcome.gpuMillis()).isEqualTo(20 * 60_000);
  }

  @Test
  void simultaneousRequestsWakeTheGpuOnce() {
    Outcome outcome = replayOne(log(dir, "burst.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:00:00Z",
        "2026-12-03T10:00:00Z"));

    assertThat(outcome.wakes()).isEqualTo(1);
    assertThat(outcome.coldStarts()).isEqualTo(3);
    assertThat(outcome.gpuMillis()).isEqualTo(20 * 60_000);
  }

  @Test
  void activityEveryTenMinutesKeepsAFifteenMinuteTimeoutAwake() {
    // Last request 10:30: sleep at the first check from 10:45:10, 10:46. One wake of 46 minutes.
    Outcome outcome = replayOne(log(dir, "steady.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:10:00Z",
        "2026-12-03T10:20:00Z", "2026-12-03T10:30:00Z"), "--idle", "15m");

    assertThat(outcome.wakes()).isEqualTo(1);
    assertThat(outcome.coldStarts()).isEqualTo(1);
    assertThat(outcome.gpuMillis()).isEqualTo(46 * 60_000);
  }

  @Test
  void eachSleepModeWakesInItsOwnTime() {
    // Stop: serving 10:01, the trailing message at 10:01:00, sleep at the 10:17 check: 17 minutes
    // twice. Delete: 20 minutes twice (as above).
    List<Outcome> outcomes = replay(log(dir, "two.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:40:00Z"),
        "--sleep-mode", "delete,stop", "--wake", "delete=4m,stop=60s");

    assertThat(outcomes).extracting(o -> o.setting().modeName()).containsExactly("delete", "stop");
    assertThat(outcomes.get(0).gpuMillis()).isEqualTo(40 * 60_000);
    assertThat(outcomes.get(0).all().p95()).isEqualTo(240_000);
    assertThat(outcomes.get(1).gpuMillis()).isEqualTo(34 * 60_000);
    assertThat(outcomes.get(1).all().p95()).isEqualTo(60_000);
  }

  @Test
  void stoppedVmsCostTheirDisksWhileAsleep() {
    // Stop mode as above: 34 GPU minutes in a replayed day of 1440; 1406 minutes stopped.
    Outcome outcome = replayOne(log(dir, "two.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:40:00Z"),
        "--sleep-mode", "stop", "--wake", "60s");

    assertThat(outcome.days()).isEqualTo(1.0);
    assertThat(outcome.stoppedMillis()).isEqualTo(1406 * 60_000);
    assertThat(outcome.cost(1.0, 0.1)).isCloseTo(34 / 60.0 + 1406 / 60.0 * 0.1, within(1e-9));
  }

  @Test
  void aWarmWindowWakesTheGpuAWakeAndACheckBeforeItsStartSoNobodyWaits() {
    // The 08:55 check sees the window start within wake (4m) + check interval (1m): it wakes the
    // GPU, serving 08:59. The 09:30 request finds it awake. At 10:00 the window is over and the
    // last activity 30 minutes old: sleep. 08:55 to 10:00: 65 minutes.
    Outcome outcome = replayOne(log(dir, "window.txt", "2026-12-03T09:30:00Z"),
        "--windows", "Daily 09:00-10:00 UTC");

    assertThat(outcome.wakes()).isEqualTo(1);
    assertThat(outcome.coldStarts()).isZero();
    assertThat(outcome.gpuMillis()).isEqualTo(65 * 60_000);
  }

  @Test
  void aRequestHeldPastTheHoldTimeoutIsAnswered503AndCountsAsWaitingThatLong() {
    // A 12-minute wake: the 10:00 request is answered 503 at 10:10 (its end is the last activity,
    // published by the trailing message at 10:10:00); the GPU serves at 10:12, sleeps at 10:26.
    Outcome outcome = replayOne(log(dir, "slow.txt", "2026-12-03T10:00:00Z"), "--wake", "12m");

    assertThat(outcome.timedOut()).isEqualTo(1);
    assertThat(outcome.coldStarts()).isEqualTo(1);
    assertThat(outcome.all()).isEqualTo(new Outcome.Waits(600_000, 600_000));
    assertThat(outcome.gpuMillis()).isEqualTo(26 * 60_000);
  }

  @Test
  void twoVmsCostTwiceTheGpuTime() {
    Outcome outcome = replayOne(log(dir, "two.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:40:00Z"), "--size", "2");

    assertThat(outcome.gpuMillis()).isEqualTo(2 * 2400_000);
  }

  @Test
  void aBudgetStopsTheGpuAtItsCapAndTheFrontendRefusesWhatWouldWaitForAWake() {
    // A cap of 15 GPU minutes a day: the 10:00 wake is charged from 10:00; at the 10:15 check the
    // cap is reached with nothing in flight: sleep. At 10:40 the Wake function refuses to wake, and
    // the frontend, told by Status, answers 503 at once.
    Outcome outcome = replayOne(log(dir, "two.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:40:00Z"),
        "--budget-hours-per-day", "0.25");

    assertThat(outcome.gpuMillis()).isEqualTo(15 * 60_000);
    assertThat(outcome.wakes()).isEqualTo(1);
    assertThat(outcome.coldStarts()).isEqualTo(1);
    assertThat(outcome.overBudget()).isEqualTo(1);
  }

  @Test
  void aRequestInFlightFinishesBeforeAnOverBudgetGpuSleeps() {
    // Served 10:04 to 10:24 (20 minutes): the cap, reached at 10:15, waits for it (the grace is 10
    // minutes); its end is published at 10:24:00 and the 10:24 check sleeps: 24 minutes charged.
    Outcome outcome = replayOne(log(dir, "long.txt", "2026-12-03T10:00:00Z"), "--duration", "20m",
        "--budget-hours-per-day", "0.25");

    assertThat(outcome.gpuMillis()).isEqualTo(24 * 60_000);
    assertThat(outcome.overBudget()).isZero();
  }

  @Test
  void theBudgetResetsAtMidnightInItsZone() {
    // Day 1 as above (15 minutes, the 10:40 request refused); day 2 wakes again at 10:00: 15 more.
    Outcome outcome = replayOne(log(dir, "days.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:40:00Z",
        "2026-12-04T10:00:00Z"), "--budget-hours-per-day", "0.25", "--budget-zone", "Europe/Warsaw");

    assertThat(outcome.wakes()).isEqualTo(2);
    assertThat(outcome.gpuMillis()).isEqualTo(30 * 60_000);
    assertThat(outcome.overBudget()).isEqualTo(1);
  }

  @Test
  void requestsHeldForAWakeTheBudgetEndsAreLetGo() {
    // A cap of 3 minutes: the 10:00 wake is still booting when the 10:03 check finds the cap
    // reached and sleeps the GPU; the held request is let go then with a 503, after 3 minutes.
    Outcome outcome = replayOne(log(dir, "one.txt", "2026-12-03T10:00:00Z"), "--budget-hours-per-day", "0.05");

    assertThat(outcome.gpuMillis()).isEqualTo(3 * 60_000);
    assertThat(outcome.coldStarts()).isEqualTo(1);
    assertThat(outcome.overBudget()).isEqualTo(1);
    assertThat(outcome.all()).isEqualTo(new Outcome.Waits(180_000, 180_000));
  }

  @Test
  void theLedgerIsReadAcrossItsSeventyDays() {
    // One request a week for 20 weeks: 20 wakes of 20 minutes each, whatever the ledger keeps.
    String[] weekly = new String[20];
    for (int week = 0; week < 20; week++) {
      weekly[week] = java.time.Instant.parse("2026-01-05T10:00:00Z").plus(java.time.Duration.ofDays(7L * week)).toString();
    }
    Outcome outcome = replayOne(log(dir, "weekly.txt", weekly));

    assertThat(outcome.wakes()).isEqualTo(20);
    assertThat(outcome.gpuMillis()).isEqualTo(20 * 20 * 60_000);
  }
}
