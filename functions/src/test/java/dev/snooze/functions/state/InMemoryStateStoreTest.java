package dev.snooze.functions.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.functions.state.StateStore.Change;
import dev.snooze.functions.state.StateStore.StoreUnavailableException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryStateStoreTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  private final InMemoryStateStore store = new InMemoryStateStore();

  private String recordActivity() {
    return store.update(s -> new Change<>(s.withActivity(T0, "frontend"), "written"));
  }

  @Test
  void aFailureBeforeTheWriteLeavesTheStateAsItWas() {
    store.failNext(new StoreUnavailableException("UNAVAILABLE", null));

    assertThatThrownBy(this::recordActivity).isInstanceOf(StoreUnavailableException.class);
    assertThat(store.read().lastActivity()).isNull();
    assertThat(store.writes()).isZero();
    assertThat(recordActivity()).as("only the next call fails").isEqualTo("written");
  }

  @Test
  void aFailureAfterTheWriteKeepsWhatWasWritten() {
    store.failNextAfterWrite(new StoreUnavailableException("DEADLINE_EXCEEDED", null));

    String readOnly = store.update(s -> new Change<>(null, "read only"));
    assertThat(readOnly).as("an update that writes nothing is not hit").isEqualTo("read only");
    assertThatThrownBy(this::recordActivity).isInstanceOf(StoreUnavailableException.class);
    assertThat(store.read().lastActivity()).isEqualTo(T0);
    assertThat(store.writes()).isEqualTo(1);
  }

  @Test
  void clearedFailuresAreNeverThrown() {
    store.failNext(new StoreUnavailableException("UNAVAILABLE", null))
        .failNextAfterWrite(new StoreUnavailableException("DEADLINE_EXCEEDED", null))
        .clearFailures();

    assertThat(recordActivity()).isEqualTo("written");
    assertThat(store.read().lastActivity()).isEqualTo(T0);
  }
}
