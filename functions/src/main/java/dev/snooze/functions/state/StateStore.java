package dev.snooze.functions.state;

import dev.snooze.functions.failure.PermanentFailure;
import dev.snooze.functions.failure.TransientFailure;
import java.util.function.Function;

/**
 * Where the MIG's {@link SnoozeState} lives. {@link #update} is serialised (an optimistic
 * transaction on the one document): the decision sees the committed state, and if another writer
 * commits first the decision runs again on the new state. That is what makes "at most one resize
 * per wake" and "a wake beats a sleep" hold.
 */
public interface StateStore {

  /** The committed state, or {@link SnoozeState#initial()} when there is none yet. */
  SnoozeState read();

  /**
   * Runs {@code decide} on the current state and, unless another writer got in first, writes its
   * {@link Change#next()} unless that is null. {@code decide} must be pure: it may run several
   * times.
   *
   * @return the {@link Change#result()} of the run that committed
   * @throws StoreUnavailableException when the store cannot be reached; the caller retries
   * @throws PermanentFailure when the store refuses, or holds a state this build cannot read
   */
  <T> T update(Function<SnoozeState, Change<T>> decide);

  /** A decision's outcome: the state to write (null: write nothing) and what to do next. */
  record Change<T>(SnoozeState next, T result) {}

  /** Transient: Firestore unavailable, deadline exceeded, or contention beyond its retries. */
  final class StoreUnavailableException extends TransientFailure {
    public StoreUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
