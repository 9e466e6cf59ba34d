package dev.snooze.local.compute;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Calls received, in order, each with the time it arrived: what a benchmark needs to time a
 * decision (say, a wake's resize) against its cause. Bounded, so a long-running stack keeps only
 * the newest {@link #CAPACITY}.
 */
final class CallLog {
  static final int CAPACITY = 10_000;

  private final Deque<ReceivedCall> calls = new ArrayDeque<>();

  synchronized void add(ReceivedCall call) {
    if (calls.size() == CAPACITY) {
      calls.removeFirst();
    }
    calls.addLast(call);
  }

  /** The calls received strictly after {@code after} (all of them when it is null), oldest first. */
  synchronized List<ReceivedCall> since(Instant after) {
    return calls.stream().filter(c -> after == null || c.at().isAfter(after)).toList();
  }

  synchronized void reset() {
    calls.clear();
  }
}
