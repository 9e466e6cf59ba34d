package dev.snooze.cli.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan's table, one row per setting, as text for the terminal and as cells for the HTML
 * report: the same headers and the same figures in both.
 */
final class PlanTable {
  /** A column: its header, whether it is a number (right-aligned), and each row's cell. */
  record Column(String header, boolean number, List<String> cells) {}

  private final List<Column> columns;
  private final int recommended;

  /** @param recommended the row (index) recommended, or -1 */
  private PlanTable(List<Column> columns, int recommended) {
    this.columns = columns;
    this.recommended = recommended;
  }

  static PlanTable of(List<Outcome> outcomes, Double price, double stoppedPrice, Outcome recommended) {
    List<Column> columns = new ArrayList<>();
    columns.add(column("#", true, outcomes, o -> Integer.toString(o.setting().number())));
    columns.add(column("idle", false, outcomes, o -> Durations.format(o.setting().idle())));
    columns.add(column("sleep", false, outcomes, o -> o.setting().modeName()));
    columns.add(column("warm windows", false, outcomes, o -> o.setting().windows().label()));
    columns.add(column("budget", false, outcomes, o -> o.setting().budget().label()));
    columns.add(column("GPU h", true, outcomes, o -> String.format(Locale.ROOT, "%.1f", o.gpuHours())));
    columns.add(column("GPU h/day", true, outcomes, o -> String.format(Locale.ROOT, "%.2f", o.gpuHoursPerDay())));
    if (price != null) {
      columns.add(column("cost", true, outcomes, o -> String.format(Locale.ROOT, "%.2f", o.cost(price, stoppedPrice))));
    }
    columns.add(column("wakes", true, outcomes, o -> Long.toString(o.wakes())));
    columns.add(column("cold starts", true, outcomes, o -> Long.toString(o.coldStarts())));
    columns.add(column("cold %", true, outcomes, o -> String.format(Locale.ROOT, "%.1f%%", o.coldPercent())));
    columns.add(column("wait p50", true, outcomes, o -> Durations.waited(o.all().p50())));
    columns.add(column("wait p95", true, outcomes, o -> Durations.waited(o.all().p95())));
    columns.add(column("cold p50", true, outcomes, o -> o.coldStarts() == 0 ? "-" : Durations.waited(o.cold().p50())));
    columns.add(column("cold p95", true, outcomes, o -> o.coldStarts() == 0 ? "-" : Durations.waited(o.cold().p95())));
    columns.add(column("timed out", true, outcomes, o -> Long.toString(o.timedOut())));
    if (outcomes.stream().anyMatch(o -> o.setting().budget().value().capped() || o.overBudget() > 0)) {
      columns.add(column("over budget", true, outcomes, o -> Long.toString(o.overBudget())));
    }
    return new PlanTable(columns, recommended == null ? -1 : outcomes.indexOf(recommended));
  }

  private interface Cell {
    String of(Outcome outcome);
  }

  private static Column column(String header, boolean number, List<Outcome> outcomes, Cell cell) {
    List<String> cells = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      cells.add(cell.of(outcome));
    }
    return new Column(header, number, List.copyOf(cells));
  }

  List<Column> columns() {
    return columns;
  }

  int recommended() {
    return recommended;
  }

  /** The table as aligned text, the recommended row marked with {@code <- recommended}. */
  String text() {
    int rows = columns.get(0).cells().size();
    int[] widths = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      widths[c] = columns.get(c).header().length();
      for (String cell : columns.get(c).cells()) {
        widths[c] = Math.max(widths[c], cell.length());
      }
    }
    StringBuilder text = new StringBuilder();
    line(text, widths, c -> columns.get(c).header());
    text.append('\n');
    for (int r = 0; r < rows; r++) {
      int row = r;
      line(text, widths, c -> columns.get(c).cells().get(row));
      if (r == recommended) {
        text.append("  <- recommended");
      }
      text.append('\n');
    }
    return text.toString();
  }

  private interface CellAt {
    String at(int column);
  }

  private void line(StringBuilder text, int[] widths, CellAt cells) {
    for (int c = 0; c < columns.size(); c++) {
      String cell = cells.at(c);
      String pad = " ".repeat(widths[c] - cell.length());
      if (c > 0) {
        text.append("  ");
      }
      text.append(columns.get(c).number() ? pad + cell : c == columns.size() - 1 ? cell : cell + pad);
    }
    // Trailing spaces of a left-aligned last cell would only clutter copies.
    while (text.length() > 0 && text.charAt(text.length() - 1) == ' ') {
      text.setLength(text.length() - 1);
    }
  }
}
