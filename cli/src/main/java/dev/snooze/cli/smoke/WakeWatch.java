package dev.snooze.cli.smoke;

import static dev.snooze.cli.smoke.StatusReading.ASLEEP;
import static dev.snooze.cli.smoke.StatusReading.AWAKE;
import static dev.snooze.cli.smoke.StatusReading.ERROR;
import static dev.snooze.cli.smoke.StatusReading.OVER_BUDGET;
import static dev.snooze.cli.smoke.StatusReading.WAKING;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Watches Status from the publish until AWAKE: prints each phase and boot stage as Status shows
 * them, and fails, rather than waiting out the --timeout, when Status says the wake will not come
 * by itself (ERROR, OVER_BUDGET, back to ASLEEP) or cannot be read for a while.
 */
final class WakeWatch {
  private final StatusClient status;
  private final Report report;
  private final Duration poll;
  private final Limits limits;

  private String phase;
  private String offer;
  /** How many of Status's boot stages have been printed. */
  private int stagesPrinted;
  /** Whether Status has shown the GPU wanted since the publish. */
  private boolean wanted;
  private StatusReading last;

  /** @param before what Status said before the publish; null when it could not be read */
  WakeWatch(StatusClient status, Report report, Duration poll, Limits limits, StatusReading before) {
    this.status = status;
    this.report = report;
    this.poll = poll;
    this.limits = limits;
    this.last = before;
    this.phase = before == null ? null : before.phase();
    this.offer = before == null ? null : before.offer();
  }

  /**
   * Fails when Status says a wake will not come by itself: ERROR (the functions keep trying, but a
   * smoke should not wait for an operator) or OVER_BUDGET (nothing wakes the GPU until the period ends).
   */
  static void failIfStuck(StatusReading reading) throws SmokeFailure {
    if (reading.phase().equals(ERROR)) {
      throw new SmokeFailure("wake", "Status ERROR: " + (reading.lastError() == null ? "no lastError shown"
          : reading.lastError()) + (reading.stage() == null ? "" : " (boot stage " + reading.stage() + ")")
          + ". The functions keep trying; see Status and the Wake function's logs");
    }
    if (reading.phase().equals(OVER_BUDGET)) {
      throw new SmokeFailure("wake", "Status OVER_BUDGET: the GPU budget is exhausted (" + reading.budgetReason()
          + "); nothing wakes the GPU until the budget's period ends or its cap is raised");
    }
  }

  /** @return when Status first showed AWAKE (nano time) */
  long untilAwake(long publishedNanos, Deadline deadline) throws SmokeFailure, InterruptedException {
    long unavailableSince = 0;
    boolean unavailable = false;
    while (true) {
      if (deadline.passed()) {
        throw new SmokeFailure("wake", "not AWAKE within the --timeout; Status last said "
            + (last == null ? "nothing (it could not be read)" : last.describe()));
      }
      StatusReading reading;
      try {
        reading = status.read(deadline);
        unavailable = false;
      } catch (StatusClient.Unavailable e) {
        long now = System.nanoTime();
        if (!unavailable) {
          unavailable = true;
          unavailableSince = now;
        } else if (Duration.ofNanos(now - unavailableSince).compareTo(limits.statusGrace()) >= 0) {
          throw new SmokeFailure("status", e.getMessage() + " (for " + Report.seconds(Duration.ofNanos(
              now - unavailableSince)) + ")");
        }
        pause(deadline);
        continue;
      }
      last = reading;
      if (seen(reading, publishedNanos)) {
        return System.nanoTime();
      }
      pause(deadline);
    }
  }

  /** Prints what is new in {@code reading}; true once AWAKE. */
  private boolean seen(StatusReading reading, long publishedNanos) throws SmokeFailure {
    String now = reading.phase();
    boolean changed = !now.equals(phase);
    phase = now;
    failIfStuck(reading);
    switch (now) {
      case AWAKE -> {
        stages(reading);
        report.step(AWAKE, Report.seconds(Duration.ofNanos(System.nanoTime() - publishedNanos)) + " after publishing"
            + (reading.offer() == null ? "" : ", offer " + reading.offer()));
        return true;
      }
      case WAKING -> {
        wanted = true;
        if (changed || !Objects.equals(offer, reading.offer())) {
          boolean failover = !changed && offer != null;
          offer = reading.offer();
          report.step(WAKING, wakingDetail(reading, failover));
          if (failover) {
            stagesPrinted = 0; // a new offer's wake: its stages begin again
          }
        }
        stages(reading);
      }
      case ASLEEP -> {
        if (wanted) {
          throw new SmokeFailure("wake", "the GPU went back to ASLEEP before it was AWAKE"
              + (reading.lastError() == null ? "" : "; last error " + reading.lastError()));
        }
        if (changed) {
          report.step(now, "");
        }
        Duration since = Duration.ofNanos(System.nanoTime() - publishedNanos);
        if (since.compareTo(limits.asleepGrace()) >= 0) {
          throw new SmokeFailure("wake", "still ASLEEP " + Report.seconds(since) + " after publishing: the message "
              + "did not wake the GPU. Is --topic the deployment's activity topic (terraform output topic), and "
              + "does the Wake function get it (gcloud functions logs read <name>-wake --gen2)?");
        }
      }
      default -> {
        // SLEEPING (a wake is taken once the sleep ends) or a phase newer than this smoke: wait.
        if (changed) {
          report.step(now, "");
        }
      }
    }
    return false;
  }

  private static String wakingDetail(StatusReading reading, boolean failover) {
    StringBuilder detail = new StringBuilder();
    if (reading.offer() != null) {
      detail.append(failover ? "now offer " : "offer ").append(reading.offer());
    }
    if (reading.etaSeconds() != null) {
      detail.append(detail.isEmpty() ? "" : ", ").append("ready in about ").append(reading.etaSeconds()).append(" s");
    }
    if (failover && reading.lastError() != null) {
      detail.append(" (").append(reading.lastError()).append(')');
    }
    return detail.toString();
  }

  /** Prints the boot stages Status shows reached since the last read, in order. */
  private void stages(StatusReading reading) {
    List<StatusReading.Stage> stages = reading.stages();
    int reached = -1;
    for (int i = 0; i < stages.size(); i++) {
      String state = stages.get(i).state();
      if ("current".equals(state) || "done".equals(state) || stages.get(i).name().equals(reading.stage())) {
        reached = i;
      }
    }
    for (int i = stagesPrinted; i <= reached; i++) {
      StatusReading.Stage stage = stages.get(i);
      // A stage passed between two reads shows only as done: say how long it took instead.
      boolean passed = i < reached && "done".equals(stage.state()) && stage.seconds() != null;
      report.step("  " + stage.name(), passed ? "took " + Report.seconds(Duration.ofMillis(
          Math.round(stage.seconds() * 1000))) : "");
    }
    stagesPrinted = Math.max(stagesPrinted, reached + 1);
  }

  private void pause(Deadline deadline) throws InterruptedException {
    Duration left = deadline.remaining();
    Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left.toMillis())));
  }
}
