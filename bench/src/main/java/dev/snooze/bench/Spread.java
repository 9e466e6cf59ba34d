package dev.snooze.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The median and spread of repeated measurements: on a shared machine a single figure says
 * little, the middle and the range say what to expect.
 */
public record Spread(int count, double median, double min, double max, double p25, double p75) {

  public static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no measurements");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return new Spread(sorted.length, quantile(sorted, 0.5), sorted[0], sorted[sorted.length - 1],
        quantile(sorted, 0.25), quantile(sorted, 0.75));
  }

  /** Linear interpolation between closest ranks. */
  private static double quantile(double[] sorted, double q) {
    double rank = q * (sorted.length - 1);
    int low = (int) Math.floor(rank);
    int high = (int) Math.ceil(rank);
    return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
  }

  /** "median 812 (IQR 790–845, range 760–990, n=10)" with the given format per number. */
  public String describe(String format) {
    return String.format(Locale.ROOT, "median " + format + " (IQR " + format + "-" + format
            + ", range " + format + "-" + format + ", n=%d)",
        median, p25, p75, min, max, count);
  }
}
