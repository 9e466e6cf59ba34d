package dev.snooze.functions.state;

import java.util.function.Function;

/**
 * The fake beside {@link StateStore}: one state in memory, with the same serialised-update
 * contract as Firestore's transactions. For decision and controller tests.
 */
public final class InMemoryStateStore implements StateStore {
  private SnoozeState state = SnoozeState.initial();
  private int writes;

  @Override
  public synchronized SnoozeState read() {
    return state;
  }

  @Override
  public synchronized <T> T update(Function<SnoozeState, Change<T>> decide) {
    Change<T> change = decide.apply(state);
    if (change.next() != null) {
      state = change.next();
      writes++;
    }
    return change.result();
  }

  /** How many updates wrote, to check that writes stay bounded. */
  public synchronized int writes() {
    return writes;
  }
}
