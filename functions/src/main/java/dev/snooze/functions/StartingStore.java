package dev.snooze.functions;

import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.StateStore;
import java.util.function.Function;

/** The state store through a Firestore client that may still be {@link Starting}. */
final class StartingStore implements StateStore {
  private final Starting<? extends StateStore> store;

  StartingStore(Starting<? extends StateStore> store) {
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
