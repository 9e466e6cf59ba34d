package dev.snooze.functions;

import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.StateStore;
import java.util.function.Function;

/** The state store through a Firestore client built on first use ({@link Lazy}). */
final class LazyStore implements StateStore {
  private final Lazy<? extends StateStore> store;

  LazyStore(Lazy<? extends StateStore> store) {
    this.store = store;
  }

  @Override
  public SnoozeState read() {
    return store.get().read();
  }

  @Override
  public <T> T update(Function<SnoozeState, Change<T>> decide) {
    return store.get().update(decide);
  }
}
