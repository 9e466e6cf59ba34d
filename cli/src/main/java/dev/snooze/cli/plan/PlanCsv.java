package dev.snooze.cli.plan;

import java.util.Locale;

/**
 * The plan as CSV, one row per setting with exact figures (GPU seconds to the millisecond, waits in
 * seconds): for a spreadsheet, a script, or a test that compares a replay with a real run.
 */
final class PlanCsv {
  static final String HEADER = "setting,idle_seconds,sleep_mode,wake_seconds,warm_windows,budget,requests,wakes,"
      + "gpu_seconds,cost,cold_starts,cold_start_percent,wait_p50_seconds,wait_p95_seconds,cold_wait_p50_seconds,"
      + "cold_wait_p95_seconds,timed_out,over_budget";

  private PlanCsv() {}

  static String of(Plan plan) {
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (Outcome o : plan.outcomes()) {
      Setting s = o.setting();
      csv.append(s.number()).append(',')
          .append(s.idle().toSeconds()).append(',')
          .append(s.modeName()).append(',')
          .append(s.wake().toMillis() / 1000.0).append(',')
          .append(quoted(s.windows().label())).append(',')
          .append(quoted(s.budget().label())).append(',')
          .append(o.requests()).append(',')
          .append(o.wakes()).append(',')
          .append(String.format(Locale.ROOT, "%.3f", o.gpuMillis() / 1000.0)).append(',')
          .append(plan.price() == null ? "" : String.format(Locale.ROOT, "%.4f", o.cost(plan.price(), plan.stoppedPrice())))
          .append(',')
          .append(o.coldStarts()).append(',')
          .append(String.format(Locale.ROOT, "%.3f", o.coldPercent())).append(',')
          .append(o.all().p50() / 1000.0).append(',')
          .append(o.all().p95() / 1000.0).append(',')
          .append(o.cold().p50() / 1000.0).append(',')
          .append(o.cold().p95() / 1000.0).append(',')
          .append(o.timedOut()).append(',')
          .append(o.overBudget()).append('\n');
    }
    return csv.toString();
  }

  /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
  private static String quoted(String field) {
    return field.contains(",") || field.contains("\"") || field.contains("\n")
        ? "\"" + field.replace("\"", "\"\"") + "\""
        : field;
  }
}
