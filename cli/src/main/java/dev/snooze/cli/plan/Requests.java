package dev.snooze.cli.plan;

import java.util.Arrays;

/**
 * The requests of a log, by when they began: two parallel arrays of epoch milliseconds, so that a
 * million requests are 16 MB and no objects, and every replay walks the same memory.
 */
final class Requests {
  private final long[] starts;
  private final long[] durations;

  private Requests(long[] starts, long[] durations) {
    this.starts = starts;
    this.durations = durations;
  }

  int size() {
    return starts.length;
  }

  /** When request {@code i} reached the frontend (epoch ms); ascending in {@code i}. */
  long start(int i) {
    return starts[i];
  }

  /** How long it took to serve once the GPU served (ms). */
  long duration(int i) {
    return durations[i];
  }

  long longestDuration() {
    long longest = 0;
    for (long d : durations) {
      longest = Math.max(longest, d);
    }
    return longest;
  }

  /** Collects requests in any order; {@link #build} sorts them. */
  static final class Builder {
    private long[] starts = new long[1024];
    private long[] durations = new long[1024];
    private int size;

    void add(long start, long duration) {
      if (size == starts.length) {
        starts = Arrays.copyOf(starts, size * 2);
        durations = Arrays.copyOf(durations, size * 2);
      }
      starts[size] = start;
      durations[size] = duration;
      size++;
    }

    void addAll(Builder other) {
      for (int i = 0; i < other.size; i++) {
        add(other.starts[i], other.durations[i]);
      }
    }

    int size() {
      return size;
    }

    Requests build() {
      long[] s = Arrays.copyOf(starts, size);
      long[] d = Arrays.copyOf(durations, size);
      if (!sorted(s)) {
        sort(s, d);
      }
      return new Requests(s, d);
    }

    private static boolean sorted(long[] values) {
      for (int i = 1; i < values.length; i++) {
        if (values[i] < values[i - 1]) {
          return false;
        }
      }
      return true;
    }

    /**
     * Sorts both arrays by start, ties in input order. A log is nearly sorted (the frontend writes
     * a request when it ends), but a sort of objects would cost more than the replay: each start,
     * less the first, is packed with its index into one long when both fit (months of milliseconds
     * and millions of requests do), and those are sorted as primitives.
     */
    private static void sort(long[] s, long[] d) {
      int n = s.length;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (long v : s) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      int indexBits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
      int spanBits = 64 - Long.numberOfLeadingZeros(max - min);
      long[] order = new long[n];
      if (indexBits + spanBits <= 63) {
        for (int i = 0; i < n; i++) {
          order[i] = (s[i] - min) << indexBits | i;
        }
        Arrays.sort(order);
        long mask = (1L << indexBits) - 1;
        for (int i = 0; i < n; i++) {
          order[i] &= mask;
        }
      } else {
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
          boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Long.compare(s[a], s[b]));
        for (int i = 0; i < n; i++) {
          order[i] = boxed[i];
        }
      }
      long[] s2 = s.clone();
      long[] d2 = d.clone();
      for (int i = 0; i < n; i++) {
        s[i] = s2[(int) order[i]];
        d[i] = d2[(int) order[i]];
      }
    }
  }
}
