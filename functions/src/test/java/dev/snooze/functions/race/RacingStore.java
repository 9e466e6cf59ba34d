package dev.snooze.functions.race;

import dev.snooze.functions.state.InMemoryStateStore;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.StateStore;
import java.util.function.Function;

/**
 * One invocation's view of the shared state store, with FirestoreStateStore's optimistic
 * contract: read, decide, then write only if the state is still the one read, else decide again
 * on the newer state. The schedule may let other invocations act between the decision and its
 * write (a {@link Invocation#yieldPoint}): that is where lost-update races happen.
 */
final class RacingStore implements StateStore {
  private final InMemoryStateStore shared;
  private final Invocation invocation;
  private final Runnable onConflict;

  RacingStore(InMemoryStateStore shared, Invocation invocation, Runnable onConflict) {
    this.shared = shared;
    this.invocation = invocation;
    this.onConflict = onConflict;
  }

  @Override
  public SnoozeState read() {
    return invocation.interact(shared::read);
  }

  @Override
  public <T> T update(Function<SnoozeState, Change<T>> decide) {
    for (;;) {
      SnoozeState seen = invocation.interact(shared::read);
      Change<T> change = decide.apply(seen);
      if (change.next() == null) {
        return change.result();
      }
      invocation.yieldPoint("store write");
      // States are immutable and every write is a new object: identity is the precondition.
      boolean written = invocation.interact(() -> {
        boolean won = shared.update(s -> s == seen ? new Change<>(change.next(), true) : new Change<>(null, false));
        if (!won) {
          onConflict.run();
        }
        return won;
      });
      if (written) {
        return change.result();
      }
    }
  }
}
