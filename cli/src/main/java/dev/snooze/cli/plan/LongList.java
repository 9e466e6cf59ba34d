package dev.snooze.cli.plan;

import java.util.Arrays;

/** A growable list of longs; and, sorted, the percentiles of a replay's waits. */
final class LongList {
  private long[] values = new long[256];
  private int size;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  int size() {
    return size;
  }

  /** Sorts in place; then {@link #rank} reads it. */
  void sort() {
    Arrays.sort(values, 0, size);
  }

  /**
   * The {@code p}th percentile, nearest rank, of these values (sorted) and {@code zeros} more
   * values of 0 before them: the smallest value at or above which lie {@code p}% of all.
   */
  long percentile(int p, long zeros) {
    long n = size + zeros;
    if (n == 0) {
      return 0;
    }
    long rank = Math.max(1, (p * n + 99) / 100); // ceil(p% of n), in integers: no rounding at the edges
    return rank <= zeros ? 0 : values[(int) (rank - zeros - 1)];
  }
}
