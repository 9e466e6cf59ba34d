package dev.snooze.cli.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the user wants of a setting, e.g. {@code cold-starts<=5%} or {@code wait-p95<=1m}: an upper
 * bound on one figure of the table. The recommendation is the cheapest setting meeting every goal.
 *
 * @param strict {@code <} rather than {@code <=}
 * @param percent the bound is a percentage of requests (cold starts, timeouts), not a count
 */
record Goal(Metric metric, boolean strict, double limit, boolean percent) {

  /** The goal when none is given. */
  static final String DEFAULT = "cold-starts<=5%";

  private static final Pattern SHAPE = Pattern.compile("\\s*([a-z0-9-]+)\\s*(<=|<)\\s*([0-9][0-9.a-z%]*)\\s*");

  /** The figures a goal can bound. */
  enum Metric {
    COLD_STARTS("cold-starts", Kind.SHARE),
    TIMEOUTS("timeouts", Kind.SHARE),
    OVER_BUDGET("over-budget", Kind.SHARE),
    WAIT_P50("wait-p50", Kind.WAIT),
    WAIT_P95("wait-p95", Kind.WAIT),
    COLD_WAIT_P50("cold-wait-p50", Kind.WAIT),
    COLD_WAIT_P95("cold-wait-p95", Kind.WAIT),
    GPU_HOURS_PER_DAY("gpu-hours-per-day", Kind.NUMBER),
    COST_PER_DAY("cost-per-day", Kind.NUMBER);

    enum Kind { SHARE, WAIT, NUMBER }

    final String wire;
    final Kind kind;

    Metric(String wire, Kind kind) {
      this.wire = wire;
      this.kind = kind;
    }

    static Metric of(String name) {
      String key = switch (name) {
        case "p50-wait" -> "wait-p50";
        case "p95-wait" -> "wait-p95";
        case "timed-out" -> "timeouts";
        default -> name;
      };
      for (Metric metric : values()) {
        if (metric.wire.equals(key)) {
          return metric;
        }
      }
      return null;
    }
  }

  /**
   * Reads goals separated by commas.
   *
   * @throws IllegalArgumentException saying how to write one
   */
  static List<Goal> parseAll(String text) {
    List<Goal> goals = new ArrayList<>();
    for (String part : text.split(",")) {
      goals.add(parse(part));
    }
    return goals;
  }

  static Goal parse(String text) {
    Matcher m = SHAPE.matcher(text.toLowerCase(Locale.ROOT));
    Metric metric = m.matches() ? Metric.of(m.group(1)) : null;
    if (metric == null) {
      throw new IllegalArgumentException("goal '" + text.strip() + "' is not METRIC<=LIMIT with METRIC one of "
          + Arrays.stream(Metric.values()).map(x -> x.wire).collect(Collectors.joining(", "))
          + ", e.g. cold-starts<=5%, wait-p95<=1m, cost-per-day<=10");
    }
    boolean strict = m.group(2).equals("<");
    String limit = m.group(3);
    try {
      return switch (metric.kind) {
        case SHARE -> limit.endsWith("%")
            ? new Goal(metric, strict, Double.parseDouble(limit.substring(0, limit.length() - 1)), true)
            : new Goal(metric, strict, Long.parseLong(limit), false);
        case WAIT -> new Goal(metric, strict, Durations.parse(limit).toMillis(), false);
        case NUMBER -> new Goal(metric, strict, Double.parseDouble(limit), false);
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("goal '" + text.strip() + "': the limit '" + limit + "' is not "
          + switch (metric.kind) {
            case SHARE -> "a percentage (5%) or a count (12)";
            case WAIT -> "a duration (30s, 2m)";
            case NUMBER -> "a number";
          });
    }
  }

  /** The figure this goal bounds, in the goal's unit; null when it cannot be known (a cost without a price). */
  Double value(Outcome outcome, Double price, double stoppedPrice) {
    return switch (metric) {
      case COLD_STARTS -> percent ? outcome.coldPercent() : (double) outcome.coldStarts();
      case TIMEOUTS -> percent ? outcome.timedOutPercent() : (double) outcome.timedOut();
      case OVER_BUDGET -> percent ? outcome.overBudgetPercent() : (double) outcome.overBudget();
      case WAIT_P50 -> (double) outcome.all().p50();
      case WAIT_P95 -> (double) outcome.all().p95();
      case COLD_WAIT_P50 -> (double) outcome.cold().p50();
      case COLD_WAIT_P95 -> (double) outcome.cold().p95();
      case GPU_HOURS_PER_DAY -> outcome.gpuHoursPerDay();
      case COST_PER_DAY -> price == null ? null : outcome.cost(price, stoppedPrice) / outcome.days();
    };
  }

  boolean met(Outcome outcome, Double price, double stoppedPrice) {
    Double value = value(outcome, price, stoppedPrice);
    return value != null && (strict ? value < limit : value <= limit + 1e-9);
  }

  /** How far over the limit, relative to it: 0 when met. Ranks settings when none meets every goal. */
  double excess(Outcome outcome, Double price, double stoppedPrice) {
    Double value = value(outcome, price, stoppedPrice);
    if (value == null) {
      return Double.MAX_VALUE;
    }
    return met(outcome, price, stoppedPrice) ? 0 : (value - limit) / Math.max(Math.abs(limit), 1e-9);
  }

  /** The figure as the goal writes it: {@code 4.2%}, {@code 1m30s}, {@code 12}. */
  String format(Double value) {
    if (value == null) {
      return "unknown";
    }
    return switch (metric.kind) {
      case SHARE -> percent ? String.format(Locale.ROOT, "%.1f%%", value) : String.format(Locale.ROOT, "%.0f", value);
      case WAIT -> Durations.waited(Math.round(value));
      case NUMBER -> String.format(Locale.ROOT, "%.2f", value);
    };
  }

  @Override
  public String toString() {
    String bound = switch (metric.kind) {
      case SHARE -> percent ? strip(limit) + "%" : strip(limit);
      case WAIT -> Durations.format(Duration.ofMillis((long) limit));
      case NUMBER -> strip(limit);
    };
    return metric.wire + (strict ? "<" : "<=") + bound;
  }

  private static String strip(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
