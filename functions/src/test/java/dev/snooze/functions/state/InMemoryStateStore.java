package dev.snooze.functions.state;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * The fake beside {@link StateStore}: one state in memory, with the same serialised-update
 * contract as Firestore's transactions. For decision and controller tests, which can make calls
 * fail as {@link FirestoreStateStore} reports it: {@link #failNext}, {@link #failNextAfterWrite}.
 */
public final class InMemoryStateStore implements StateStore {
  private final Deque<RuntimeException> failures = new ArrayDeque<>();
  private final Deque<RuntimeException> failuresAfterWrite = new ArrayDeque<>();
  private SnoozeState state = SnoozeState.initial();
  private int writes;
  private final java.util.List<SnoozeState> commits = new java.util.ArrayList<>();

  @Override
  public synchronized SnoozeState read() {
    throwIfFailing(failures);
    return state;
  }

  @Override
  public synchronized <T> T update(Function<SnoozeState, Change<T>> decide) {
    throwIfFailing(failures);
    Change<T> change = decide.apply(state);
    if (change.next() != null) {
      state = change.next();
      writes++;
      commits.add(state);
      throwIfFailing(failuresAfterWrite);
    }
    return change.result();
  }

  /** The next read or update throws {@code failure} before reading: nothing is written. Queued in order. */
  public synchronized InMemoryStateStore failNext(RuntimeException failure) {
    failures.add(failure);
    return this;
  }

  /**
   * The next update that writes commits, then throws {@code failure}: a Firestore commit that
   * landed although the call timed out. Queued in order.
   */
  public synchronized InMemoryStateStore failNextAfterWrite(RuntimeException failure) {
    failuresAfterWrite.add(failure);
    return this;
  }

  /** Drops the failures not thrown yet. */
  public synchronized InMemoryStateStore clearFailures() {
    failures.clear();
    failuresAfterWrite.clear();
    return this;
  }

  /** Every state written, in order: what the race property checks the ledger against. */
  public synchronized java.util.List<SnoozeState> commits() {
    return java.util.List.copyOf(commits);
  }

  /** How many updates wrote, to check that writes stay bounded. */
  public synchronized int writes() {
    return writes;
  }

  private static void throwIfFailing(Deque<RuntimeException> queue) {
    RuntimeException next = queue.poll();
    if (next != null) {
      throw next;
    }
  }
}
