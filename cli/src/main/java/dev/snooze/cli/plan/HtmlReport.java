package dev.snooze.cli.plan;

import java.util.Locale;

/**
 * The plan as one self-contained HTML page a person can open or mail: the recommendation, the
 * plot (inline SVG), the table, what was read (and the bad lines skipped) and how it was replayed.
 * No script, no external file.
 */
final class HtmlReport {
  private HtmlReport() {}

  static String of(Plan plan, String svg) {
    InputSummary input = plan.input();
    PlanTable table = plan.table();
    StringBuilder html = new StringBuilder();
    html.append("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>snooze plan</title>
        <style>
          body { font-family: sans-serif; margin: 2em auto; max-width: 96em; padding: 0 1em; color: #222; }
          table { border-collapse: collapse; font-size: 0.9em; }
          th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #ddd; white-space: nowrap; }
          th { background: #f4f4f4; text-align: left; }
          td.n { text-align: right; font-variant-numeric: tabular-nums; }
          tr.recommended td { background: #e8f6ee; font-weight: bold; }
          .verdict { padding: 0.6em 1em; border-left: 4px solid #27ae60; background: #f4fbf7; }
          .verdict.missed { border-color: #c0392b; background: #fdf3f2; }
          code, pre { background: #f4f4f4; padding: 0.1em 0.3em; }
          pre { padding: 0.6em; overflow-x: auto; }
          .note { color: #555; font-size: 0.9em; }
        </style>
        </head>
        <body>
        <h1>snooze plan</h1>
        """);
    html.append("<div class=\"verdict").append(plan.recommendation().met() ? "" : " missed").append("\">\n<p>")
        .append(escape(plan.goalText())).append("</p>\n");
    for (String line : plan.recommendation().lines(plan.price(), plan.stoppedPrice())) {
      html.append("<p>").append(escape(line.strip())).append("</p>\n");
    }
    html.append("</div>\n");
    html.append("<h2>Cost and cold starts</h2>\n").append(svg);
    html.append("<h2>Every setting</h2>\n<div style=\"overflow-x: auto\">\n<table>\n<tr>");
    for (PlanTable.Column column : table.columns()) {
      html.append("<th>").append(escape(column.header())).append("</th>");
    }
    html.append("</tr>\n");
    int rows = table.columns().get(0).cells().size();
    for (int r = 0; r < rows; r++) {
      html.append(r == table.recommended() ? "<tr class=\"recommended\">" : "<tr>");
      for (PlanTable.Column column : table.columns()) {
        html.append(column.number() ? "<td class=\"n\">" : "<td>").append(escape(column.cells().get(r))).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n</div>\n");
    html.append("""
        <p class="note">GPU h: VM hours charged, from each wake's claim to its sleep's, as the functions' ledger
        counts them. Cold starts: requests that found the GPU not serving and waited for it. Waits: percentiles
        over every request (p50, p95) and over the cold starts alone; a request held past the frontend's hold
        timeout is answered 503 then (timed out) and counts as waiting that long.</p>
        """);
    html.append("<h2>Input</h2>\n<ul>\n");
    html.append("<li>").append(escape(input.describe())).append("</li>\n");
    html.append("<li>").append(String.format(Locale.ROOT, "%,d lines read", input.lines())).append("</li>\n");
    html.append("<li>period replayed: ").append(escape(plan.periodText())).append("</li>\n");
    html.append("<li>").append(escape(plan.deployment())).append("</li>\n");
    html.append("</ul>\n");
    if (input.badLines() > 0) {
      html.append(String.format(Locale.ROOT, "<h3>Bad lines skipped: %,d</h3>%n<ul>%n", input.badLines()));
      for (String problem : input.problems()) {
        html.append("<li><code>").append(escape(problem)).append("</code></li>\n");
      }
      if (input.badLines() > input.problems().size()) {
        html.append(String.format(Locale.ROOT, "<li>… and %,d more</li>%n",
            input.badLines() - input.problems().size()));
      }
      html.append("</ul>\n");
    }
    html.append("<h2>How</h2>\n<pre>").append(escape(plan.command())).append("</pre>\n");
    html.append(String.format(Locale.ROOT, "<p class=\"note\">Replayed %d settings in %.1f s through the"
        + " functions' own Decisions and Policy on a simulated clock, the frontend's activity messages from its own"
        + " Debouncer.</p>%n", plan.outcomes().size(), plan.seconds()));
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
