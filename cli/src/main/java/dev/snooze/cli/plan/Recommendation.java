package dev.snooze.cli.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The setting to choose: the cheapest (by cost when a price is given, else by GPU hours) of those
 * meeting every goal, fewer cold starts breaking ties; when none meets them all, the closest
 * (fewest goals missed, then least over), said as such.
 *
 * @param met whether {@code chosen} meets every goal
 */
record Recommendation(List<Goal> goals, Outcome chosen, boolean met) {

  static Recommendation of(List<Outcome> outcomes, List<Goal> goals, Double price, double stoppedPrice) {
    Comparator<Outcome> cheapest = Comparator.<Outcome>comparingDouble(
            o -> price == null ? o.gpuHours() : o.cost(price, stoppedPrice))
        .thenComparingLong(Outcome::coldStarts)
        .thenComparingLong(o -> o.all().p95())
        .thenComparingInt(o -> o.setting().number());
    List<Outcome> meeting = outcomes.stream()
        .filter(o -> goals.stream().allMatch(g -> g.met(o, price, stoppedPrice)))
        .sorted(cheapest).toList();
    if (!meeting.isEmpty()) {
      return new Recommendation(goals, meeting.get(0), true);
    }
    Comparator<Outcome> closest = Comparator.<Outcome>comparingLong(
            o -> goals.stream().filter(g -> !g.met(o, price, stoppedPrice)).count())
        .thenComparingDouble(o -> goals.stream().mapToDouble(g -> g.excess(o, price, stoppedPrice)).sum())
        .thenComparing(cheapest);
    return new Recommendation(goals, outcomes.stream().min(closest).orElseThrow(), false);
  }

  /** Each goal with the chosen setting's figure: {@code cold-starts<=5% (4.2%: met)}. */
  List<String> verdicts(Double price, double stoppedPrice) {
    List<String> verdicts = new ArrayList<>();
    for (Goal goal : goals) {
      verdicts.add(goal + " (" + goal.format(goal.value(chosen, price, stoppedPrice)) + ": "
          + (goal.met(chosen, price, stoppedPrice) ? "met" : "missed") + ")");
    }
    return verdicts;
  }

  /** The lines the plan ends with. */
  List<String> lines(Double price, double stoppedPrice) {
    String figures = String.format(Locale.ROOT, "%.1f GPU hours (%.2f a day)", chosen.gpuHours(), chosen.gpuHoursPerDay())
        + (price == null ? "" : String.format(Locale.ROOT, ", cost %.2f", chosen.cost(price, stoppedPrice)))
        + String.format(Locale.ROOT, ", %d wake%s, cold starts %d (%.1f%%), wait p95 %s", chosen.wakes(),
            chosen.wakes() == 1 ? "" : "s", chosen.coldStarts(), chosen.coldPercent(), Durations.waited(chosen.all().p95()))
        + (chosen.timedOut() > 0 ? ", " + chosen.timedOut() + " timed out" : "")
        + (chosen.overBudget() > 0 ? ", " + chosen.overBudget() + " refused over budget" : "");
    String goalsText = goals.stream().map(Goal::toString).collect(Collectors.joining(" and "));
    List<String> lines = new ArrayList<>();
    if (met) {
      lines.add("recommended: " + chosen.setting().describe());
      lines.add("  " + figures + "; the cheapest setting with " + goalsText);
    } else {
      lines.add("no setting meets " + goalsText + ". Closest: " + chosen.setting().describe());
      lines.add("  " + figures + "; " + String.join(", ", verdicts(price, stoppedPrice)));
    }
    return lines;
  }
}
