package dev.snooze.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A sample summarised the way every benchmark here reports it: median, 99th percentile
 * (nearest rank, so with 200 samples it is the second largest), min and max.
 */
public record Distribution(int n, double p50, double p99, double min, double max) {

  public static Distribution of(Collection<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return new Distribution(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.99),
        sorted.get(0), sorted.get(sorted.size() - 1));
  }

  private static double rank(List<Double> sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** {@code p50 12.3 ms, p99 45.6 ms, min 10.1 ms, max 50.2 ms (n=200)}. */
  public String describe(String unit) {
    return String.format(Locale.ROOT, "p50 %s %s, p99 %s %s, min %s %s, max %s %s (n=%d)",
        number(p50), unit, number(p99), unit, number(min), unit, number(max), unit, n);
  }

  private static String number(double value) {
    if (Math.abs(value) < 0.05) {
      value = 0; // never "-0.0"
    }
    return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }
}
