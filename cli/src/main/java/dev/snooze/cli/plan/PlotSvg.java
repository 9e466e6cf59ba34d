package dev.snooze.cli.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plan as a scatter plot: cold starts (% of requests) across, cost (or GPU hours, without a
 * price) up, one labelled point per setting, the recommended one ringed, a cold-start goal as a
 * dashed line. Plain SVG, no script: it opens in any browser and sits inline in the report.
 * Settings that land on the same spot share one point and one label ({@code #1 #4}).
 */
final class PlotSvg {
  private static final int WIDTH = 760;
  private static final int HEIGHT = 480;
  private static final int LEFT = 80;
  private static final int RIGHT = 40;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private PlotSvg() {}

  static String of(Plan plan) {
    List<Outcome> outcomes = plan.outcomes();
    boolean priced = plan.price() != null;
    double[] xs = new double[outcomes.size()];
    double[] ys = new double[outcomes.size()];
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      xs[i] = o.coldPercent();
      ys[i] = priced ? o.cost(plan.price(), plan.stoppedPrice()) : o.gpuHours();
    }
    Double goal = null;
    for (Goal g : plan.recommendation().goals()) {
      if (g.metric() == Goal.Metric.COLD_STARTS && g.percent()) {
        goal = goal == null ? g.limit() : Math.min(goal, g.limit());
      }
    }
    double xStep = step(Math.max(max(xs), goal == null ? 0 : goal) * 1.05, 0.2);
    double xMax = axisEnd(Math.max(max(xs), goal == null ? 0 : goal) * 1.05, xStep);
    if (xMax > 100 && max(xs) <= 100 && (goal == null || goal <= 100)) {
      xMax = 100; // a share: nothing lies beyond all requests
      xStep = 20;
    }
    double yStep = step(max(ys) * 1.05, priced ? 0.2 : 0.02);
    double yMax = axisEnd(max(ys) * 1.05, yStep);
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;

    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
        + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<title>snooze plan: %s vs cold starts, one point per setting</title>%n",
        priced ? "cost" : "GPU hours"));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s vs cold"
        + " starts, one point per setting</text>%n", LEFT, priced ? "Cost" : "GPU hours"));
    // Grid and ticks.
    for (double x = 0; x <= xMax + 1e-9; x += xStep) {
      double px = LEFT + x / xMax * plotWidth;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e5e5\"/>%n",
          px, TOP, px, TOP + plotHeight));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s%%</text>%n", px,
          TOP + plotHeight + 18, number(x)));
    }
    for (double y = 0; y <= yMax + 1e-9; y += yStep) {
      double py = TOP + plotHeight - y / yMax * plotHeight;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n",
          LEFT, py, LEFT + plotWidth, py));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 8,
          py + 4, number(y)));
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
        + " stroke=\"#888\"/>%n", LEFT, TOP, plotWidth, plotHeight));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">cold starts (%% of"
        + " requests that waited for the GPU)</text>%n", LEFT + plotWidth / 2, HEIGHT - 16));
    svg.append(String.format(Locale.ROOT, "<text transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">"
        + "%s</text>%n", TOP + plotHeight / 2, priced ? "cost over the period" : "GPU hours over the period"));
    if (goal != null) {
      double px = LEFT + goal / xMax * plotWidth;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c0392b\""
          + " stroke-dasharray=\"6 4\"/>%n", px, TOP, px, TOP + plotHeight));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#c0392b\">goal &#8804; %s%%</text>%n",
          px + 4, TOP + 14, number(goal)));
    }
    // Points: settings on the same pixel share one, labelled with all their numbers.
    Map<String, List<Integer>> spots = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      double px = LEFT + xs[i] / xMax * plotWidth;
      double py = TOP + plotHeight - ys[i] / yMax * plotHeight;
      spots.computeIfAbsent(Math.round(px) + "," + Math.round(py), k -> new ArrayList<>()).add(i);
    }
    Outcome chosen = plan.recommendation().chosen();
    List<double[]> taken = new ArrayList<>();
    for (List<Integer> spot : spots.values()) {
      int first = spot.get(0);
      double px = LEFT + xs[first] / xMax * plotWidth;
      double py = TOP + plotHeight - ys[first] / yMax * plotHeight;
      taken.add(new double[] {px - 6, py - 6, px + 6, py + 6});
    }
    for (List<Integer> spot : spots.values()) {
      int first = spot.get(0);
      double px = LEFT + xs[first] / xMax * plotWidth;
      double py = TOP + plotHeight - ys[first] / yMax * plotHeight;
      boolean recommended = spot.stream().anyMatch(i -> outcomes.get(i) == chosen);
      StringBuilder label = new StringBuilder();
      StringBuilder tooltip = new StringBuilder();
      for (int i : spot) {
        Outcome o = outcomes.get(i);
        label.append(label.length() == 0 ? "" : " ").append('#').append(o.setting().number());
        tooltip.append(tooltip.length() == 0 ? "" : "\n").append(o.setting().describe()).append(String.format(
            Locale.ROOT, ": %.1f GPU h, cold starts %.1f%%", o.gpuHours(), o.coldPercent()))
            .append(priced ? String.format(Locale.ROOT, ", cost %.2f", ys[i]) : "");
      }
      svg.append("<g>");
      svg.append("<title>").append(HtmlReport.escape(tooltip.toString())).append("</title>");
      if (recommended) {
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"11\" fill=\"none\""
            + " stroke=\"#27ae60\" stroke-width=\"3\"/>", px, py));
      }
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>", px, py,
          recommended ? "#27ae60" : "#2c3e50"));
      String text = label + (recommended ? " recommended" : "");
      double[] at = place(text, px, py, taken, plotWidth, plotHeight);
      if (Math.abs(at[1] - (py - 8)) > 20 || at[0] < px) {
        // Moved away from its point to stay readable: a faint line says whose it is.
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
            + " stroke=\"#bbb\"/>", px, py, at[0] < px ? at[0] + width(text) : at[0], at[1] - 4));
      }
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>", at[0], at[1],
          recommended ? " fill=\"#1e8449\" font-weight=\"bold\"" : "", HtmlReport.escape(text)));
      svg.append("</g>\n");
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /**
   * Where a point's label goes (its baseline's left end): beside the point if that space is free,
   * else stacked above or below, clear of every point and label placed before; the box is then taken.
   */
  private static double[] place(String text, double px, double py, List<double[]> taken, int plotWidth,
      int plotHeight) {
    double w = width(text);
    List<double[]> candidates = new ArrayList<>();
    candidates.add(new double[] {px + 9, py - 8});
    candidates.add(new double[] {px + 9, py + 16});
    candidates.add(new double[] {px - 9 - w, py - 8});
    candidates.add(new double[] {px - 9 - w, py + 16});
    for (int k = 1; k <= 30; k++) {
      candidates.add(new double[] {px + 9, py - 8 - 15 * k});
      candidates.add(new double[] {px + 9, py + 16 + 15 * k});
      candidates.add(new double[] {px - 9 - w, py - 8 - 15 * k});
      candidates.add(new double[] {px - 9 - w, py + 16 + 15 * k});
    }
    for (double[] c : candidates) {
      double[] box = {c[0] - 1, c[1] - 11, c[0] + w + 1, c[1] + 3};
      boolean inside = box[0] >= LEFT && box[2] <= LEFT + plotWidth + RIGHT - 4 && box[1] >= TOP - 4
          && box[3] <= TOP + plotHeight;
      if (inside && taken.stream().noneMatch(t -> box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3])) {
        taken.add(box);
        return c;
      }
    }
    return candidates.get(0); // crowded everywhere: overlap rather than vanish
  }

  /** About how wide a label is, in the 12 px sans-serif of the plot. */
  private static double width(String text) {
    return text.length() * 6.8;
  }

  private static double max(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  /** A round tick step for an axis up to {@code max}, about five ticks: 1, 2, 2.5 or 5 times a power of ten. */
  static double step(double max, double smallest) {
    double raw = Math.max(max, smallest * 5) / 5;
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 2.5, 5}) {
      if (m * power >= raw - 1e-12) {
        return m * power;
      }
    }
    return 10 * power;
  }

  /** The axis end: the first tick at or above {@code max}. */
  static double axisEnd(double max, double step) {
    return Math.max(step, Math.ceil(max / step - 1e-9) * step);
  }

  private static String number(double value) {
    if (Math.abs(value - Math.rint(value)) < 1e-9) {
      return Long.toString(Math.round(value));
    }
    return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
