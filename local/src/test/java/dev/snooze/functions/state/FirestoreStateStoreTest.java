package dev.snooze.functions.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.cloud.NoCredentials;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.snooze.boot.BootStage;
import dev.snooze.functions.state.FirestoreStateStore.UnreadableStateException;
import dev.snooze.functions.state.SnoozeState.Claim;
import dev.snooze.functions.state.SnoozeState.ClaimKind;
import dev.snooze.functions.state.SnoozeState.EventKind;
import dev.snooze.functions.state.SnoozeState.HistoryEvent;
import dev.snooze.functions.state.SnoozeState.LastError;
import dev.snooze.functions.state.StateStore.Change;
import dev.snooze.functions.state.StateStore.StoreUnavailableException;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.network.RefusedPort;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store against Google's Firestore emulator, with the real client as a function builds it. */
@ExtendWith(SharedEmulators.class)
class FirestoreStateStoreTest {
  private static final String COLLECTION = "snooze-state";
  private static final Instant T0 = Instant.parse("2026-11-28T10:15:30.123456Z");

  private static Firestore firestore;

  @BeforeAll
  static void connect(LocalEmulators emulators) {
    firestore = client(emulators.firestoreHost());
  }

  @AfterAll
  static void close() throws Exception {
    firestore.close();
  }

  /**
   * With NoCredentials the client builds its own plaintext channel to {@code getHost()} and
   * ignores the one setEmulatorHost configures: without setHost it dials firestore.googleapis.com.
   */
  private static Firestore client(String host) {
    return FirestoreOptions.newBuilder()
        .setProjectId(SharedEmulators.PROJECT)
        .setHost(host)
        .setEmulatorHost(host)
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  /** Each test has its own document: the emulator is shared by the whole run. */
  private static FirestoreStateStore newStore() {
    return newStore(Duration.ofSeconds(10));
  }

  private static FirestoreStateStore newStore(Duration callTimeout) {
    String mig = "gpu-" + UUID.randomUUID().toString().substring(0, 12);
    String id = FirestoreStateStore.documentId(SharedEmulators.PROJECT, "us-central1-a", mig);
    return new FirestoreStateStore(firestore, COLLECTION, id, callTimeout);
  }

  private static DocumentReference raw(FirestoreStateStore store) {
    return firestore.document(store.documentPath());
  }

  private static DocumentSnapshot rawGet(FirestoreStateStore store) throws Exception {
    return raw(store).get().get(10, TimeUnit.SECONDS);
  }

  private static SnoozeState populated() {
    SnoozeState state = SnoozeState.initial()
        .withPhase(Phase.ERROR, T0.plusSeconds(5))
        .withActivity(T0.plusMillis(4_321), "frontend")
        .withReport(new SnoozeState.Report("frontend", 7, T0.plusSeconds(3)))
        .withSize(2)
        .withNeeded(List.of(T0.plusSeconds(3), T0.plusSeconds(3)))
        .withClaim(new Claim("req-1", ClaimKind.WAKE, T0.plusSeconds(1), "msg-42"))
        .withLastError(new LastError("ZONE_RESOURCE_POOL_EXHAUSTED", "no L4 in us-central1-a", T0.plusSeconds(6)))
        .withOffer("l4", T0.plusSeconds(7))
        .withWokeAt(T0)
        .withOfferRecord(new SnoozeState.OfferRecord("l4-spot",
            new LastError("ZONE_RESOURCE_POOL_EXHAUSTED", "no spot L4", T0.plusSeconds(2)),
            List.of(new BootSample("STOP", T0.plusSeconds(8), Map.of(
                BootStage.PROVISIONING, Duration.ofMillis(31_250), BootStage.LOADING_MODEL, Duration.ofSeconds(45))))))
        .withLedger(Ledger.EMPTY.opened("l4-spot", T0.minusSeconds(60), 1).closed("l4-spot", T0, ZoneOffset.UTC)
            .opened("l4", T0.plusSeconds(7), 2))
        .withBilling(new SnoozeState.Billing("snooze", 12.5, 50.0, "USD", T0.minusSeconds(86_400), T0.plusSeconds(9)));
    for (int i = 0; i < 4; i++) {
      EventKind kind = i % 2 == 0 ? EventKind.WAKE : EventKind.SLEEP;
      state = state.withEvent(new HistoryEvent(kind, T0.minusSeconds(3600 - i * 600L), "reason " + i));
    }
    return state;
  }

  private static <T> T write(FirestoreStateStore store, SnoozeState state, T result) {
    return store.update(current -> new Change<>(state, result));
  }

  @Test
  void missingDocumentReadsAsInitial() throws Exception {
    FirestoreStateStore store = newStore();

    assertThat(store.read()).isEqualTo(SnoozeState.initial());
    assertThat(rawGet(store).exists()).isFalse();
  }

  @Test
  void fullyPopulatedStateRoundTrips() {
    FirestoreStateStore store = newStore();
    SnoozeState state = populated();

    assertThat(write(store, state, "written")).isEqualTo("written");

    assertThat(store.read()).isEqualTo(state);
    SnoozeState seenInTransaction = store.update(current -> new Change<>(null, current));
    assertThat(seenInTransaction).isEqualTo(state);
  }

  @Test
  void initialStateRoundTrips() {
    FirestoreStateStore store = newStore();

    write(store, SnoozeState.initial(), null);

    assertThat(store.read()).isEqualTo(SnoozeState.initial());
  }

  @Test
  void nanosecondsAreTruncatedToWhatFirestoreKeeps() {
    FirestoreStateStore store = newStore();
    Instant nanos = Instant.parse("2026-11-28T10:15:30.123456789Z");

    write(store, SnoozeState.initial().withActivity(nanos, "frontend"), null);

    assertThat(store.read().lastActivity()).isEqualTo(Instant.parse("2026-11-28T10:15:30.123456Z"));
  }

  @Test
  void storedDocumentFollowsTheDocumentedSchema() throws Exception {
    FirestoreStateStore store = newStore();
    write(store, populated(), null);

    Map<String, Object> doc = rawGet(store).getData();

    assertThat(doc).containsOnlyKeys(
        "schemaVersion", "phase", "phaseSince", "lastActivity", "lastSource", "frontends",
        "claim", "lastError", "history", "offer", "offerSince", "wokeAt", "offers", "ledger", "billing", "size", "needed");
    assertThat(doc.get("schemaVersion")).isEqualTo(4L);
    assertThat(doc.get("size")).isEqualTo(2L);
    assertThat(doc.get("needed")).asList().hasSize(2).allMatch(Timestamp.class::isInstance);
    assertThat(doc.get("ledger")).isEqualTo(Map.of(
        "open", List.of(Map.of("mig", "l4", "since", Timestamp.parseTimestamp("2026-11-28T10:15:37.123456Z"), "size", 2L)),
        "days", List.of(Map.of("date", "2026-11-28", "millis", Map.of("l4-spot", 60_000L)))));
    assertThat(doc.get("billing")).isEqualTo(Map.of("budget", "snooze", "costAmount", 12.5, "budgetAmount", 50.0,
        "currency", "USD", "intervalStart", Timestamp.parseTimestamp("2026-11-27T10:15:30.123456Z"),
        "at", Timestamp.parseTimestamp("2026-11-28T10:15:39.123456Z")));
    assertThat(store.read()).as("read back as written").isEqualTo(populated());
    assertThat(doc.get("offer")).isEqualTo("l4");
    assertThat(doc.get("offerSince")).isEqualTo(Timestamp.parseTimestamp("2026-11-28T10:15:37.123456Z"));
    assertThat(doc.get("offers")).asList().hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> offer = (Map<String, Object>) ((List<?>) doc.get("offers")).get(0);
    assertThat(offer).containsOnlyKeys("mig", "lastFailure", "boots");
    assertThat(offer.get("boots")).isEqualTo(List.of(Map.of("mode", "STOP",
        "at", Timestamp.parseTimestamp("2026-11-28T10:15:38.123456Z"),
        "seconds", Map.of("provisioning", 31.25, "loading-model", 45.0))));
    assertThat(offer.get("mig")).isEqualTo("l4-spot");
    assertThat(offer.get("lastFailure")).isEqualTo(Map.of("code", "ZONE_RESOURCE_POOL_EXHAUSTED",
        "message", "no spot L4", "at", Timestamp.parseTimestamp("2026-11-28T10:15:32.123456Z")));
    assertThat(doc.get("phase")).isEqualTo("ERROR");
    assertThat(doc.get("phaseSince")).isEqualTo(Timestamp.parseTimestamp("2026-11-28T10:15:35.123456Z"));
    assertThat(doc.get("lastActivity")).isEqualTo(Timestamp.parseTimestamp("2026-11-28T10:15:34.444456Z"));
    assertThat(doc.get("lastSource")).isEqualTo("frontend");
    assertThat(doc.get("frontends")).isEqualTo(List.of(Map.of("source", "frontend", "inFlight", 7L,
        "at", Timestamp.parseTimestamp("2026-11-28T10:15:33.123456Z"))));
    assertThat(doc.get("claim")).isEqualTo(Map.of(
        "id", "req-1", "kind", "WAKE",
        "at", Timestamp.parseTimestamp("2026-11-28T10:15:31.123456Z"), "messageId", "msg-42"));
    assertThat(doc.get("lastError")).isEqualTo(Map.of(
        "code", "ZONE_RESOURCE_POOL_EXHAUSTED", "message", "no L4 in us-central1-a",
        "at", Timestamp.parseTimestamp("2026-11-28T10:15:36.123456Z")));
    assertThat(doc.get("history")).asList().hasSize(4);
    assertThat(doc.get("history")).asList().first().isEqualTo(Map.of(
        "kind", "WAKE", "at", Timestamp.parseTimestamp("2026-11-28T09:15:30.123456Z"), "reason", "reason 0"));
  }

  @Test
  void absentValuesAreStoredAsExplicitNulls() throws Exception {
    FirestoreStateStore store = newStore();
    write(store, SnoozeState.initial(), null);

    Map<String, Object> doc = rawGet(store).getData();

    assertThat(doc).containsEntry("phase", "ASLEEP")
        .containsEntry("phaseSince", Timestamp.ofTimeSecondsAndNanos(0, 0))
        .containsEntry("frontends", List.of())
        .containsEntry("size", 0L)
        .containsEntry("history", List.of());
    for (String field : List.of("lastActivity", "lastSource", "claim", "lastError")) {
      assertThat(doc).containsKey(field);
      assertThat(doc.get(field)).as(field).isNull();
    }
  }

  @Test
  void aDecisionWithoutNextWritesNothing() throws Exception {
    FirestoreStateStore store = newStore();
    write(store, populated(), null);
    Timestamp before = rawGet(store).getUpdateTime();

    String result = store.update(current -> new Change<>(null, "nothing to do"));

    assertThat(result).isEqualTo("nothing to do");
    assertThat(rawGet(store).getUpdateTime()).isEqualTo(before);
  }

  @Test
  void aDecisionWithoutNextCreatesNoDocument() throws Exception {
    FirestoreStateStore store = newStore();

    store.update(current -> new Change<>(null, null));

    assertThat(rawGet(store).exists()).isFalse();
  }

  @Test
  void aDecisionsExceptionReachesTheCallerAndNothingIsWritten() throws Exception {
    FirestoreStateStore store = newStore();
    write(store, populated(), null);
    Timestamp before = rawGet(store).getUpdateTime();

    assertThatThrownBy(() -> store.update(current -> {
      throw new IllegalStateException("decision failed");
    })).isExactlyInstanceOf(IllegalStateException.class).hasMessage("decision failed");
    assertThat(rawGet(store).getUpdateTime()).isEqualTo(before);
  }

  @Test
  void exactlyOneOfManyConcurrentWakesClaims() throws Exception {
    FirestoreStateStore store = newStore(Duration.ofSeconds(25));
    write(store, SnoozeState.initial(), null);
    AtomicInteger decisions = new AtomicInteger();

    List<Outcome<String>> outcomes = concurrently(50, i -> () -> store.update(current -> {
      decisions.incrementAndGet();
      if (current.phase() != Phase.ASLEEP) {
        return new Change<>(null, "saw " + current.phase());
      }
      Claim claim = new Claim("wake-" + i, ClaimKind.WAKE, T0.plusSeconds(i), "msg-" + i);
      return new Change<>(current.withPhase(Phase.WAKING, T0.plusSeconds(i)).withClaim(claim), "claimed wake-" + i);
    }));

    List<String> claimed = outcomes.stream()
        .filter(o -> o.result() != null && o.result().startsWith("claimed"))
        .map(Outcome::result)
        .toList();
    assertThat(claimed).hasSize(1);
    // Contention beyond the transaction's attempts is the only acceptable failure.
    assertThat(outcomes).allSatisfy(o -> {
      if (o.failure() != null) {
        assertThat(o.failure()).isInstanceOf(StoreUnavailableException.class);
      }
    });
    String winner = claimed.get(0).substring("claimed ".length());
    SnoozeState state = store.read();
    assertThat(state.phase()).isEqualTo(Phase.WAKING);
    assertThat(state.claim().id()).isEqualTo(winner);
    assertThat(state.claim().kind()).isEqualTo(ClaimKind.WAKE);
    assertThat(decisions.get()).isGreaterThanOrEqualTo(outcomes.size() - failures(outcomes));
  }

  @Test
  void lastActivityNeverMovesBackUnderConcurrentUpdates() throws Exception {
    FirestoreStateStore store = newStore(Duration.ofSeconds(25));
    Instant max = T0.plusSeconds(49);

    // Shuffled publish times, so the newest does not simply come last.
    List<Integer> offsets = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      offsets.add(i);
    }
    java.util.Collections.shuffle(offsets, new java.util.Random(7));
    List<Outcome<Boolean>> outcomes = concurrently(50, i -> () -> {
      Instant at = T0.plusSeconds(offsets.get(i));
      // As Pub/Sub would: a transient failure is retried until the update lands.
      for (int attempt = 1; ; attempt++) {
        try {
          return store.update(current -> {
            if (current.lastActivity() != null && !at.isAfter(current.lastActivity())) {
              return new Change<>(null, false);
            }
            return new Change<>(current.withActivity(at, "source-" + i), true);
          });
        } catch (StoreUnavailableException e) {
          if (attempt == 5) {
            throw e;
          }
        }
      }
    });

    assertThat(failures(outcomes)).isZero();
    assertThat(store.read().lastActivity()).isEqualTo(max);
    assertThat(store.read().lastSource()).isEqualTo("source-" + offsets.indexOf(49));
  }

  @Test
  void anUnknownSchemaVersionIsRefusedAndNothingIsOverwritten() throws Exception {
    FirestoreStateStore store = newStore();
    Map<String, Object> future = new HashMap<>(StateDocument.toFields(populated()));
    future.put("schemaVersion", 99L);
    future.put("phase", "HIBERNATING");
    raw(store).set(future).get(10, TimeUnit.SECONDS);
    Timestamp before = rawGet(store).getUpdateTime();

    assertThatThrownBy(store::read)
        .isInstanceOf(UnreadableStateException.class)
        .hasMessageContaining(store.documentPath())
        .hasMessageContaining("schemaVersion")
        .hasMessageContaining("99");
    AtomicInteger decisions = new AtomicInteger();
    assertThatThrownBy(() -> store.update(current -> {
      decisions.incrementAndGet();
      return new Change<>(SnoozeState.initial(), null);
    })).isInstanceOf(UnreadableStateException.class).hasMessageContaining("schemaVersion");

    assertThat(decisions).hasValue(0);
    DocumentSnapshot after = rawGet(store);
    assertThat(after.getUpdateTime()).isEqualTo(before);
    assertThat(after.get("schemaVersion")).isEqualTo(99L);
  }

  @Test
  void aFieldOfTheWrongTypeIsNamed() throws Exception {
    FirestoreStateStore store = newStore();
    Map<String, Object> doc = new HashMap<>(StateDocument.toFields(populated()));
    doc.put("lastActivity", "2026-11-28T10:15:30Z");
    raw(store).set(doc).get(10, TimeUnit.SECONDS);

    assertThatThrownBy(store::read)
        .isInstanceOf(UnreadableStateException.class)
        .hasMessageContaining(store.documentPath())
        .hasMessageContaining("field lastActivity is String");
  }

  @Test
  void anUnreachableFirestoreIsUnavailableWithinTheCallTimeout() throws Exception {
    try (RefusedPort nowhereHost = RefusedPort.hold(); Firestore nowhere = client(nowhereHost.host())) {
      FirestoreStateStore store = new FirestoreStateStore(nowhere, COLLECTION, "p:z:m", Duration.ofSeconds(2));
      // Bounded by the 2 s call timeout, not by the client's own retries (a minute and more): a
      // bound ten times the timeout tells the two apart whatever the machine's load.
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        assertThatThrownBy(store::read).isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining(COLLECTION + "/p:z:m");
        assertThatThrownBy(() -> store.update(current -> new Change<>(current, null)))
            .isInstanceOf(StoreUnavailableException.class);
      });
    }
  }

  private record Outcome<T>(T result, Throwable failure) {}

  private interface Task<T> {
    Callable<T> forIndex(int i);
  }

  /** Runs n tasks at once, released together, and collects each one's result or failure. */
  private static <T> List<Outcome<T>> concurrently(int n, Task<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<T> callable = task.forIndex(i);
        futures.add(pool.submit(() -> {
          start.await();
          return callable.call();
        }));
      }
      start.countDown();
      List<Outcome<T>> outcomes = new ArrayList<>();
      for (Future<T> future : futures) {
        try {
          outcomes.add(new Outcome<>(future.get(60, TimeUnit.SECONDS), null));
        } catch (java.util.concurrent.ExecutionException e) {
          outcomes.add(new Outcome<>(null, e.getCause()));
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private static int failures(List<? extends Outcome<?>> outcomes) {
    return (int) outcomes.stream().filter(o -> o.failure() != null).count();
  }
}
