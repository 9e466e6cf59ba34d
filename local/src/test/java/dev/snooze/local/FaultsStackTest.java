package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.snooze.functions.state.FirestoreStateStore;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.eventarc.EventarcBridge;
import dev.snooze.local.functions.LocalFunctions.Entry;
import dev.snooze.local.network.TcpLink;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults on the whole local stack, each recovered with nothing lost and each logged: Firestore
 * unreachable (a {@link TcpLink} between the functions and the emulator, cut and restored)
 * while a wake and while a sleep is due, the Wake function down while a message arrives,
 * another writer contending for the state document, and Compute failing every kind of call in
 * a burst, wake and sleep alike. And one fault no retry mends, answered at once rather than
 * retried for ever: a state document this build cannot read. Single Compute faults on the wake (a 503 then a 429 on resize,
 * no GPU capacity in any zone) are in {@link WakeSleepStackTest}; the store's compare-and-set
 * under 50 concurrent claimants is in {@code FirestoreStateStoreTest}.
 */
@ExtendWith(SharedEmulators.class)
class FaultsStackTest {
  private static final String RESIZE = "compute.regionInstanceGroupManagers.resize";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private final String topic = "activity-" + UUID.randomUUID();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private LocalStack stack;
  private ManagedChannel channel;
  private Firestore firestore;
  private final String collection = "faults-" + UUID.randomUUID();

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void aFirestoreOutageFailsEveryWakeUntilItEndsThenTheGpuWakesOnce(LocalEmulators emulators) throws Exception {
    TcpLink link = closed(TcpLink.to(emulators.firestoreHost()));
    start(emulators, "120", Map.of("FIRESTORE_EMULATOR_HOST", link.host()));
    assertThat(phase()).isEqualTo("ASLEEP");

    link.cut();
    Instant before = Instant.now();
    publish("{\"schemaVersion\":1,\"source\":\"during-outage\",\"kind\":\"request\"}");
    Instant after = Instant.now();

    // Each push reached Wake, which answered 500 (Firestore UNAVAILABLE), and was redelivered.
    await().atMost(WAIT).until(() -> stack.eventarc().deliveries().failed() >= 3);
    assertThat(stack.eventarc().deliveries().delivered()).isZero();
    assertThat(state().lastActivity()).as("nothing recorded while Firestore is unreachable").isNull();
    assertThat(stack.compute().calls()).doesNotContainKey(RESIZE);
    assertThat(problems(Entry.WAKE)).anySatisfy(line -> {
      assertThat(line.get("message").getAsString()).contains("Pub/Sub redelivers");
      assertThat(line.get("error").getAsString()).contains("Firestore").contains("UNAVAILABLE");
    });

    link.restore();

    await().atMost(WAIT).ignoreExceptions().until(() -> phase().equals("AWAKE"));
    SnoozeState state = state();
    assertThat(state.lastSource()).isEqualTo("during-outage");
    assertThat(state.lastActivity()).as("the message's own publish time")
        .isBetween(before.minusSeconds(1), after.plusSeconds(1));
    assertThat(state.history()).extracting(e -> e.kind().name()).containsExactly("WAKE");
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 1L);
    assertThat(link.resets()).isPositive();
  }

  @Test
  void aFirestoreOutageWhenTheGpuFallsIdleDelaysTheSleepUntilItEnds(LocalEmulators emulators) throws Exception {
    TcpLink link = closed(TcpLink.to(emulators.firestoreHost()));
    start(emulators, "15", Map.of("FIRESTORE_EMULATOR_HOST", link.host()));
    publish("{\"source\":\"first\"}");
    await().atMost(WAIT).until(() -> state().lastActivity() != null);
    // A second message, through the now warm path, starts the idle time just before the cut.
    // Activity within the write granularity (a tenth of the idle timeout) of the recorded one is
    // not written: publish it only once it will be.
    Instant recordable = state().lastActivity().plusMillis(1_500);
    await().atMost(WAIT).until(() -> Instant.now().isAfter(recordable));
    publish("{\"source\":\"last\"}");
    await().atMost(WAIT).until(() -> "last".equals(state().lastSource()));

    link.cut();
    // The sleep is due the idle timeout plus the write granularity (a tenth of it) after the activity.
    Instant due = state().lastActivity().plusMillis(16_500);
    assertThat(Instant.now()).as("the outage began before the sleep was due").isBefore(due);

    // Sleep checks kept failing past the moment the GPU was due to sleep: it must still run.
    await().atMost(WAIT).until(() -> problems(Entry.SLEEP).stream()
        .filter(line -> line.toString().contains("UNAVAILABLE"))
        .anyMatch(line -> Instant.parse(line.get("time").getAsString()).isAfter(due.plusSeconds(1))));
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 1L);
    assertThat(stack.compute().serving(stack.mig())).isTrue();

    link.restore();

    await().atMost(WAIT).ignoreExceptions().until(() -> phase().equals("ASLEEP"));
    assertThat(state().history()).extracting(e -> e.kind().name()).containsExactly("WAKE", "SLEEP");
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 2L);
    assertThat(stack.compute().serving(stack.mig())).isFalse();
  }

  @Test
  void aMessageArrivingWhileTheWakeFunctionIsDownWakesTheGpuOnceItIsBack(LocalEmulators emulators)
      throws Exception {
    start(emulators, "120", Map.of());
    stack.functions().stop(Entry.WAKE);

    publish("{\"source\":\"while-down\"}");

    await().atMost(WAIT).until(() -> stack.eventarc().deliveries().unreachable() >= 2);
    assertThat(stack.compute().calls()).doesNotContainKey(RESIZE);
    assertThat(state().lastActivity()).isNull();

    stack.functions().restart(Entry.WAKE);

    await().atMost(WAIT).until(() -> phase().equals("AWAKE"));
    assertThat(state().lastSource()).isEqualTo("while-down");
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 1L);
    // The bridge counts a delivery once the function's answer is back, just after the state is AWAKE.
    await().atMost(WAIT).until(() -> stack.eventarc().deliveries().delivered() >= 1);
    EventarcBridge.Deliveries deliveries = stack.eventarc().deliveries();
    assertThat(deliveries.delivered()).isEqualTo(1);
    assertThat(deliveries.failed()).isZero();
  }

  @Test
  void anotherWriterContendingForTheStateDocumentLosesNoActivityAndNoneOfItsOwn(LocalEmulators emulators)
      throws Exception {
    start(emulators, "15", Map.of());
    DocumentReference document = firestore.collection(collection).document(documentId());
    String sentinel = "contender-" + UUID.randomUUID();
    AtomicInteger writes = new AtomicInteger();
    // Another writer (an operator's script, a second deployment) touches a field of its own ~50
    // times a second once the document exists: a Snooze write between its read and its commit
    // loses and decides again.
    ScheduledExecutorService contender = Executors.newSingleThreadScheduledExecutor();
    closing.add(contender::shutdownNow);
    contender.scheduleAtFixedRate(() -> {
      try {
        if (document.get().get(10, TimeUnit.SECONDS).exists()) {
          document.update("contender", sentinel, "contenderWrites", writes.incrementAndGet())
              .get(10, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        throw new IllegalStateException("the contender's write failed", e);
      }
    }, 0, 20, TimeUnit.MILLISECONDS);

    Instant before = Instant.now();
    Publisher publisher = TestStacks.publisher(channel, topic);
    for (int i = 0; i < 20; i++) {
      publisher.publish(TestStacks.message("{\"source\":\"burst\"}"));
    }
    publisher.shutdown();
    assertThat(publisher.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    Instant after = Instant.now();
    await().atMost(WAIT).until(() -> stack.eventarc().deliveries().delivered() >= 20);

    await().atMost(WAIT).until(() -> phase().equals("ASLEEP"));
    contender.shutdown();
    assertThat(contender.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(writes.get()).as("the contender kept writing throughout").isGreaterThan(20);

    SnoozeState state = state();
    assertThat(state.lastSource()).isEqualTo("burst");
    assertThat(state.lastActivity()).isBetween(before.minusSeconds(1), after.plusSeconds(1));
    assertThat(state.history()).extracting(e -> e.kind().name()).containsExactly("WAKE", "SLEEP");
    assertThat(stack.compute().calls()).containsEntry(RESIZE, 2L);
    assertThat(document.get().get(10, TimeUnit.SECONDS).getData())
        .containsEntry("contender", sentinel)
        .containsEntry("contenderWrites", (long) writes.get());
  }

  @Test
  void computeFailingEveryCallForAWhileDelaysWakeAndSleepAndLosesNothing(LocalEmulators emulators)
      throws Exception {
    start(emulators, "15", Map.of());
    // Every Compute call (Sleep's and Status's reads, Wake's resize) fails for a while.
    stack.compute().faults().failNext("*", 4, 429);
    stack.compute().faults().failNext("*", 4, 503);
    stack.compute().faults().failNext("*", 4, 500);

    publish("{}");

    await().atMost(WAIT).ignoreExceptions().until(() -> phase().equals("AWAKE"));
    assertThat(stack.compute().faults().pendingHttpFaults()).isEmpty();

    // The sleep's resize to 0 fails too: the sleep must still happen, once.
    stack.compute().resetCalls();
    assertThat(state().phase()).as("still awake when the next faults are set").isIn(Phase.WAKING, Phase.AWAKE);
    stack.compute().faults().failNext(RESIZE, 2, 503);
    stack.compute().faults().failNext(RESIZE, 1, 429);
    await().atMost(WAIT).ignoreExceptions().until(() -> phase().equals("ASLEEP"));
    assertThat(stack.compute().faults().pendingHttpFaults()).isEmpty();
    assertThat(stack.compute().serving(stack.mig())).isFalse();
    JsonObject asleep = status();
    assertThat(asleep.getAsJsonObject("mig").get("targetSize").getAsInt()).isZero();
    assertThat(asleep.get("lastError").isJsonNull()).isTrue();
    assertThat(state().history()).as("one wake and one sleep, however many attempts")
        .extracting(e -> e.kind().name()).containsExactly("WAKE", "SLEEP");
    assertThat(stack.compute().calls()).as("3 failed resizes to 0, then the one that worked")
        .containsEntry(RESIZE, 4L);
    assertThat(problems(Entry.SLEEP)).anySatisfy(line ->
        assertThat(line.get("error").getAsString()).contains("resize to 0").contains("UNAVAILABLE"));
  }

  /** A schema version a newer deployment would write. */
  private static final long NEWER = SnoozeState.SCHEMA_VERSION + 1L;

  @Test
  void aStateDocumentThisBuildCannotReadIsReportedAndNeverRetriedForEver(LocalEmulators emulators) throws Exception {
    start(emulators, "120", Map.of());
    // As a newer deployment would leave it: this build must neither use nor overwrite it.
    DocumentReference document = firestore.collection(collection).document(documentId());
    document.set(Map.of("schemaVersion", NEWER, "phase", "ASLEEP")).get(10, TimeUnit.SECONDS);

    publish("{\"source\":\"after-a-downgrade\"}");

    // Acknowledged on its first delivery: Pub/Sub does not redeliver it every second.
    await().atMost(WAIT).until(() -> stack.eventarc().deliveries().delivered() >= 1);
    assertThat(stack.eventarc().deliveries().failed()).isZero();
    assertThat(problems(Entry.WAKE)).anySatisfy(line -> {
      assertThat(line.get("severity").getAsString()).isEqualTo("ERROR");
      assertThat(line.get("code").getAsString()).isEqualTo("UNREADABLE_STATE");
      assertThat(line.get("error").getAsString()).contains(documentId()).contains("schemaVersion");
    });
    for (Entry function : List.of(Entry.STATUS, Entry.SLEEP)) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stack.functions().url(function)))
          .method(function == Entry.STATUS ? "GET" : "POST", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(function + ": " + answer.body()).isEqualTo(500);
      JsonObject body = JsonParser.parseString(answer.body()).getAsJsonObject();
      assertThat(body.get("code").getAsString()).isEqualTo("UNREADABLE_STATE");
      assertThat(body.get("error").getAsString()).contains(documentId()).contains("schemaVersion");
    }
    assertThat(stack.compute().calls()).doesNotContainKey(RESIZE);
    assertThat(document.get().get(10, TimeUnit.SECONDS).getData()).isEqualTo(Map.of("schemaVersion", NEWER, "phase", "ASLEEP"));
  }

  private void start(LocalEmulators emulators, String idleTimeout, Map<String, String> extra) throws Exception {
    Map<String, String> knobs = new HashMap<>(TestStacks.ONE_OFFER);
    knobs.putAll(extra);
    knobs.put("SNOOZE_TOPIC", topic);
    knobs.put("SNOOZE_IDLE_TIMEOUT", idleTimeout);
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", "0.5");
    knobs.put("SNOOZE_SIM_BOOT_TIME", "0.5");
    knobs.put("SNOOZE_STATE_COLLECTION", collection);
    Map<String, String> env = TestStacks.env(emulators, knobs);
    stack = closed(LocalStack.start(env));
    channel = ManagedChannelBuilder.forTarget(emulators.pubsubHost()).usePlaintext().build();
    closing.add(channel::shutdownNow);
    // The test's own view of the state, straight from the emulator, never through a cut link.
    String host = emulators.firestoreHost();
    firestore = closed(FirestoreOptions.newBuilder().setProjectId(SharedEmulators.PROJECT)
        .setHost(host).setEmulatorHost(host).setCredentials(NoCredentials.getInstance())
        .build().getService());
  }

  private <T extends AutoCloseable> T closed(T resource) {
    closing.add(resource);
    return resource;
  }

  private String documentId() {
    return FirestoreStateStore.documentId(SharedEmulators.PROJECT, stack.mig().location(), stack.mig().name());
  }

  /** The state document as the functions' own store reads it. */
  private SnoozeState state() {
    return new FirestoreStateStore(firestore, collection, documentId()).read();
  }

  /** The function's WARNING and ERROR log entries so far, as Cloud Logging would list them. */
  private List<JsonObject> problems(Entry function) throws IOException {
    List<JsonObject> problems = new ArrayList<>();
    for (String line : Files.readAllLines(stack.functions().log(function))) {
      JsonElement entry;
      try {
        entry = JsonParser.parseString(line);
      } catch (JsonParseException e) {
        continue; // the invoker's own start-up lines are not JSON
      }
      if (entry.isJsonObject() && entry.getAsJsonObject().has("severity")) {
        String severity = entry.getAsJsonObject().get("severity").getAsString();
        if (severity.equals("WARNING") || severity.equals("ERROR")) {
          problems.add(entry.getAsJsonObject());
        }
      }
    }
    return problems;
  }

  private void publish(String data) throws Exception {
    TestStacks.publish(channel, topic, data);
  }

  private JsonObject status() throws Exception {
    return TestStacks.status(stack);
  }

  private String phase() throws Exception {
    return status().get("phase").getAsString();
  }
}
