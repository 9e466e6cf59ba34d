package dev.snooze.cli.plan;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A finished plan: what was read, what was replayed, and what came of it; what the terminal, the
 * plot and the report each show a part of.
 *
 * @param command the command line, as the report repeats it
 * @param goalGiven whether the goal is the user's (else {@link Goal#DEFAULT})
 * @param refusalsImplied whether {@code over-budget<=0} was added to the goals (budgets swept, no goal on refusals)
 * @param seconds how long the replays took
 */
record Plan(String command, InputSummary input, Sweep.Period period, String deployment, List<Outcome> outcomes,
    Recommendation recommendation, Double price, double stoppedPrice, boolean goalGiven, boolean refusalsImplied,
    double seconds) {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  PlanTable table() {
    return PlanTable.of(outcomes, price, stoppedPrice, recommendation.chosen());
  }

  /** {@code 2026-11-02 00:00 to 2026-11-23 00:00 UTC (21.0 days)}. */
  String periodText() {
    return DAY.format(Instant.ofEpochMilli(period.from())) + " to " + DAY.format(Instant.ofEpochMilli(outcomes.get(0).to()))
        + String.format(Locale.ROOT, " UTC (%.1f days)", outcomes.get(0).days());
  }

  String goalText() {
    List<Goal> goals = recommendation.goals();
    List<Goal> given = refusalsImplied ? goals.subList(0, goals.size() - 1) : goals;
    return "goal: " + String.join(" and ", given.stream().map(Goal::toString).toList())
        + (goalGiven ? "" : " (the default; give yours with --goal)")
        + (refusalsImplied ? "; and over-budget<=0, as no goal allows requests refused for the budget"
            + " (e.g. --goal over-budget<=1%)" : "");
  }

  /** What stdout shows: the input, the table, the goal and the recommendation. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("snooze plan: " + input.describe());
    lines.add("period: " + periodText() + "; " + deployment);
    lines.add(String.format(Locale.ROOT, "replayed %d setting%s in %.1f s", outcomes.size(),
        outcomes.size() == 1 ? "" : "s", seconds));
    lines.add("");
    lines.addAll(table().text().lines().toList());
    lines.add("");
    lines.add(goalText());
    lines.addAll(recommendation.lines(price, stoppedPrice));
    return lines;
  }
}
