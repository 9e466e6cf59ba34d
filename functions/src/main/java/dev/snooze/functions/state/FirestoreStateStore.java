package dev.snooze.functions.state;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreException;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.WriteBatch;
import dev.snooze.config.GcpNames;
import dev.snooze.functions.failure.PermanentFailure;
import dev.snooze.functions.failure.TransientFailure;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@link StateStore} of production: one Firestore document per MIG, schema on
 * {@link SnoozeState}, mapping in {@link StateDocument}.
 *
 * <p>Every call is bounded by a timeout, since a Cloud Function must not hang on its store.
 * Failures a retry may fix (a status {@link TransientFailure#isTransient}, the timeout, races
 * still lost when the timeout comes) become {@link StoreUnavailableException}, for the function to
 * rethrow so that Pub/Sub or Scheduler retries. Any other Firestore status is a
 * {@link PermanentStoreException}; a document this build cannot read is an
 * {@link UnreadableStateException}: both {@link PermanentFailure}s, answered at once. A decision's
 * own exception reaches the caller unchanged.
 *
 * <p>A timed-out update may still commit afterwards: the caller's retry then sees the committed
 * state, which is why decisions are written to be idempotent.
 */
public final class FirestoreStateStore implements StateStore {
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  // How a conditional write reports a lost race: the document changed, or was created meanwhile.
  private static final Set<String> CONFLICT = Set.of("FAILED_PRECONDITION", "ALREADY_EXISTS", "NOT_FOUND");

  private static final Pattern RESERVED_ID = Pattern.compile("__.*__");

  private final Firestore firestore;
  private final DocumentReference document;
  private final Duration callTimeout;

  public FirestoreStateStore(Firestore firestore, String collection, String documentId) {
    this(firestore, collection, documentId, DEFAULT_CALL_TIMEOUT);
  }

  public FirestoreStateStore(Firestore firestore, String collection, String documentId, Duration callTimeout) {
    this.firestore = Objects.requireNonNull(firestore, "firestore");
    this.document = firestore.collection(validateCollection(collection)).document(validateId("document id", documentId));
    Objects.requireNonNull(callTimeout, "callTimeout");
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive, got " + callTimeout);
    }
    this.callTimeout = callTimeout;
  }

  /** The id of a MIG's state document: {@code <project>:<location>:<mig>}; location is its zone or region. */
  public static String documentId(String project, String location, String mig) {
    require("project", project, GcpNames.PROJECT);
    // Zones, regions and MIG names are RFC 1035 labels: no ':' that could make ids ambiguous.
    require("location", location, GcpNames.RESOURCE_NAME);
    require("mig", mig, GcpNames.RESOURCE_NAME);
    return project + ":" + location + ":" + mig;
  }

  /** Returns {@code collection} if Firestore accepts it as a top-level collection id. */
  public static String validateCollection(String collection) {
    return validateId("collection", collection);
  }

  /** "collection/id", for logs. */
  public String documentPath() {
    return document.getPath();
  }

  @Override
  public SnoozeState read() {
    return stateOf(await(document.get(), "read", System.nanoTime() + callTimeout.toNanos()));
  }

  /**
   * Optimistic, not a Firestore transaction: read, decide, then write only if the document is
   * still the one read (its update time, or its absence). The loser of a race re-reads and
   * decides again, which is the contract of {@link StateStore#update}. Transactions were
   * measured first: Firestore's read locks deadlock under a burst of concurrent wakes on one
   * document, and the emulator resolves each deadlock only after ~2 s, aborting every waiter,
   * so 50 concurrent updates made one commit in 20 s; this way they all land in ~6 s.
   */
  @Override
  public <T> T update(Function<SnoozeState, Change<T>> decide) {
    Objects.requireNonNull(decide, "decide");
    long deadline = System.nanoTime() + callTimeout.toNanos();
    for (int attempt = 1; ; attempt++) {
      DocumentSnapshot snapshot = await(document.get(), "read for update", deadline);
      Change<T> change = decide.apply(stateOf(snapshot));
      if (change == null) {
        throw new NullPointerException("the decision for " + documentPath() + " returned no Change");
      }
      if (change.next() == null) {
        return change.result();
      }
      Map<String, Object> fields = StateDocument.toFields(change.next());
      WriteBatch write = firestore.batch();
      if (snapshot.exists()) {
        // update() with every schema field replaces each one whole, like set(), but takes a
        // precondition; fields outside the schema are left as they are.
        write.update(document, fields, Precondition.updatedAt(snapshot.getUpdateTime()));
      } else {
        write.create(document, fields);
      }
      try {
        await(write.commit(), "update", deadline);
        return change.result();
      } catch (PermanentStoreException e) {
        if (!isLostRace(e.code(), snapshot, deadline)) {
          throw e;
        }
      }
      backOff(attempt, deadline);
    }
  }

  // FAILED_PRECONDITION also means e.g. a database in Datastore mode: a race only if the document moved.
  private boolean isLostRace(String code, DocumentSnapshot read, long deadline) {
    if (!CONFLICT.contains(code)) {
      return false;
    }
    DocumentSnapshot now = await(document.get(), "read after a conflict", deadline);
    return now.exists() != read.exists() || !Objects.equals(now.getUpdateTime(), read.getUpdateTime());
  }

  private void backOff(int attempt, long deadline) {
    // Short and jittered: a lost race means the winner already committed.
    long bound = Math.min(5L << Math.min(attempt, 6), 200);
    long sleep = ThreadLocalRandom.current().nextLong(bound + 1);
    if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sleep) >= deadline) {
      throw new StoreUnavailableException(
          "Firestore update of " + documentPath() + " lost the race " + attempt + " times within " + callTimeout, null);
    }
    try {
      Thread.sleep(sleep);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("Firestore update of " + documentPath() + " was interrupted", e);
    }
  }

  private SnoozeState stateOf(DocumentSnapshot snapshot) {
    if (!snapshot.exists()) {
      return SnoozeState.initial();
    }
    Map<String, Object> fields = snapshot.getData();
    return StateDocument.fromFields(documentPath(), fields == null ? Map.of() : fields);
  }

  private <V> V await(ApiFuture<V> future, String operation, long deadline) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreUnavailableException(
          "Firestore " + operation + " of " + documentPath() + " took longer than " + callTimeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("Firestore " + operation + " of " + documentPath() + " was interrupted", e);
    } catch (ExecutionException e) {
      throw translate(operation, e.getCause() == null ? e : e.getCause());
    }
  }

  private RuntimeException translate(String operation, Throwable failure) {
    String code = firestoreStatus(failure);
    if (code == null) {
      // Not Firestore's: the decision's own exception, or an unreadable document.
      if (failure instanceof RuntimeException runtime) {
        return runtime;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      return new IllegalStateException("Firestore " + operation + " of " + documentPath() + " failed: " + failure, failure);
    }
    String message = "Firestore " + operation + " of " + documentPath() + " failed with " + code + ": " + failure.getMessage();
    return TransientFailure.isTransient(code)
        ? new StoreUnavailableException(message, failure)
        : new PermanentStoreException(code, message, failure);
  }

  /** The gRPC status name carried by a client failure, or null if it is not the client's. */
  private static String firestoreStatus(Throwable failure) {
    if (!(failure instanceof FirestoreException || failure instanceof ApiException
        || failure instanceof StatusRuntimeException)) {
      return null;
    }
    // FirestoreException keeps its status either itself or in a wrapped ApiException.
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FirestoreException f && f.getStatus() != null) {
        return f.getStatus().getCode().name();
      }
      if (t instanceof ApiException a) {
        return a.getStatusCode().getCode().name();
      }
      if (t instanceof StatusRuntimeException s) {
        return s.getStatus().getCode().name();
      }
    }
    // Rejected by the client itself before any call, e.g. a value Firestore cannot store.
    return "INVALID_ARGUMENT";
  }

  private static void require(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid " + what + " for a state document id: " + quote(value));
    }
  }

  // Firestore's rules for collection and document ids, plus whitespace that is surely a mistake.
  private static String validateId(String what, String id) {
    String problem = null;
    if (id == null || id.isBlank()) {
      problem = "is empty";
    } else if (!id.strip().equals(id)) {
      problem = "has leading or trailing whitespace";
    } else if (id.contains("/")) {
      problem = "contains '/'";
    } else if (id.equals(".") || id.equals("..")) {
      problem = "is '.' or '..'";
    } else if (RESERVED_ID.matcher(id).matches()) {
      problem = "matches __*__, reserved by Firestore";
    } else if (id.getBytes(StandardCharsets.UTF_8).length > 1500) {
      problem = "is longer than 1500 bytes";
    }
    if (problem != null) {
      throw new IllegalArgumentException("invalid Firestore " + what + " " + quote(id) + ": " + problem);
    }
    return id;
  }

  private static String quote(String value) {
    return value == null ? "null" : "\"" + value + "\"";
  }

  /** Firestore refused in a way a retry will not change: no permission, no database, bad request. */
  public static final class PermanentStoreException extends PermanentFailure {
    /** @param code the gRPC status, e.g. PERMISSION_DENIED or NOT_FOUND */
    public PermanentStoreException(String code, String message, Throwable cause) {
      super(code, message, cause);
    }
  }

  /**
   * The state document exists but this build cannot read it: an unknown schema version, a field
   * of the wrong type, an unknown enum name. Never resolved by resetting the state; a person or
   * a newer deployment must act.
   */
  public static final class UnreadableStateException extends PermanentFailure {
    /** Its {@link #code()}, this build's own: Firestore answered, with a document this build cannot read. */
    public static final String CODE = "UNREADABLE_STATE";

    private final String document;
    private final String field;

    public UnreadableStateException(String document, String field, String problem) {
      super(CODE, "state document " + document + " is unreadable: field " + field + " " + problem, null);
      this.document = document;
      this.field = field;
    }

    public String document() {
      return document;
    }

    public String field() {
      return field;
    }
  }
}
