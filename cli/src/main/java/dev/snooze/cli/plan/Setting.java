package dev.snooze.cli.plan;

import dev.snooze.functions.budget.Budget;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.schedule.WarmWindows;
import java.time.Duration;
import java.util.Locale;

/**
 * One combination of the sweep, and the policy the functions would run with it: the deployment's
 * policy with this idle timeout, sleep mode (and the wake it takes), warm windows and budget. The
 * replay runs {@link #policy()} through the functions' own {@code Decisions}.
 *
 * @param number its row in the table, from 1
 * @param wake how long a wake takes in {@code mode} until the GPU serves; also the policy's expected
 *     wake, so that a warm window's wake starts that much before the window
 */
record Setting(int number, Policy base, Duration idle, SleepMode mode, Duration wake, Labelled<WarmWindows> windows,
    Labelled<Budget> budget) {

  /** A value and how the table names it. */
  record Labelled<T>(String label, T value) {}

  Policy policy() {
    return base.withIdleTimeout(idle).withSleepMode(mode, wake).withWindows(windows.value()).withBudget(budget.value());
  }

  String modeName() {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  /** {@code #3 idle 15m, stop, windows Mon-Fri 09:00-17:30 Europe/Warsaw, budget 4h/day}: as the recommendation says it. */
  String describe() {
    return "#" + number + " idle " + Durations.format(idle) + ", sleep mode " + modeName() + " (wake "
        + Durations.format(wake) + "), warm windows " + windows.label() + ", budget " + budget.label();
  }
}
