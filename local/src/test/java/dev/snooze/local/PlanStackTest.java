package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.snooze.cli.Snooze;
import dev.snooze.functions.state.FirestoreStateStore;
import dev.snooze.functions.state.Ledger;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * `snooze plan` against the real thing: the Thursday demo of the shipped weekly-demo trace (32
 * prompts over 42 minutes), compressed 20 times, is sent through the local stack's frontend; the GPU
 * time its ledger counts must be what `snooze plan` computes for the same requests and settings,
 * within 2%. The GPU sleeps and wakes again in the demo's pauses, so the replay's wakes and sleeps
 * are checked, not only its idle timer.
 *
 * <p>No pause may be a near thing, or the stack's own latencies (a message's delivery, the check's
 * phase) would decide it: with an idle timeout of 3.57 minutes (10.7 s compressed), the frontend's
 * debounce at 6 s (0.3 s) and a wake of about 20 s (1 s), the GPU sleeps no earlier than 3.93
 * minutes after a prompt is answered and no later than about 4.1, while the demo's pauses are at
 * most 3.62 minutes or at least 4.75 (the 4.75 one after a prompt that waited for a wake): its two
 * longest put the GPU to sleep, each of the others is too short, all by about a second compressed.
 */
@ExtendWith(SharedEmulators.class)
@Isolated // it compares GPU time within 2%: another stack beside it would add its own latencies
class PlanStackTest {
  private static final Path TRACE = Path.of("..", "cli", "traces", "weekly-demo.txt");
  private static final String DAY = "2026-11-05";
  private static final int COMPRESSION = 20;
  private static final Duration IDLE = Duration.ofMillis(10_700); // 3.57 minutes, compressed
  private static final Duration CHECK = Duration.ofMillis(250);
  private static final String RESIZE = "compute.regionInstanceGroupManagers.resize";
  private static final Duration DEBOUNCE = Duration.ofMillis(300); // 6 s, compressed
  /** The stand-in's whole answer at this pace: the requests' duration, in the stack and in the plan. */
  private static final Duration TOKEN = Duration.ofMillis(5);

  private final HttpClient http = HttpClient.newHttpClient();
  private LocalStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theLedgerOfAReplayedDemoIsWhatThePlanSays(LocalEmulators emulators, @TempDir Path dir) throws Exception {
    List<Instant> demo = Files.readAllLines(TRACE).stream().filter(l -> !l.isBlank())
        .map(l -> OffsetDateTime.parse(l.strip()).toInstant())
        .filter(t -> t.atOffset(ZoneOffset.UTC).toLocalDate().toString().equals(DAY)).sorted().toList();
    assertThat(demo).hasSize(32);

    Map<String, String> knobs = new HashMap<>(TestStacks.ONE_OFFER);
    knobs.put("SNOOZE_IDLE_TIMEOUT", Double.toString(IDLE.toMillis() / 1000.0));
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", Double.toString(CHECK.toMillis() / 1000.0));
    knobs.put("SNOOZE_SIM_TOKEN_INTERVAL", Double.toString(TOKEN.toMillis() / 1000.0));
    // The plan gives every request the same duration from its send: prompts that meet on the VM
    // (those held through a wake) must not queue behind each other, as with OLLAMA_NUM_PARALLEL=1.
    knobs.put("SNOOZE_SIM_PARALLEL", "64");
    knobs.put("SNOOZE_ACTIVITY_DEBOUNCE", Double.toString(DEBOUNCE.toMillis() / 1000.0));
    knobs.put("SNOOZE_SIM_STAGES", "provisioning=0.1,booting=0.1,driver=0.1,pulling-image=0.1,"
        + "starting-container=0.1,loading-model=0.1");
    Map<String, String> env = TestStacks.env(emulators, knobs);
    stack = LocalStack.start(env);

    // A first wake and sleep, so that the demo's wakes all find the functions warm (a cold Wake
    // function claims its first wake most of a second late, which no deployment's plan is about).
    assertThat(http.send(generate(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofMinutes(1)).until(() -> TestStacks.status(stack).get("phase").getAsString().equals("ASLEEP"));
    long warmUpMillis = ledgerMillis(emulators, env);
    long warmUpResizes = stack.compute().calls().get(RESIZE);

    // The demo, 20 times faster, from now on: each prompt at its moment, answered whenever it is.
    Instant start = Instant.now().plusSeconds(1);
    List<Instant> sent = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    CompletableFuture<Instant> firstAnswered = null;
    for (Instant t : demo) {
      Instant due = start.plus(Duration.between(demo.get(0), t).dividedBy(COMPRESSION));
      long wait = Duration.between(Instant.now(), due).toMillis();
      if (wait > 0) {
        Thread.sleep(wait); // pacing the trace, not waiting for an outcome
      }
      sent.add(Instant.now());
      answers.add(http.sendAsync(generate(), HttpResponse.BodyHandlers.ofString()));
      if (firstAnswered == null) {
        firstAnswered = answers.get(0).thenApply(answer -> Instant.now());
      }
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertThat(answer.get(2, TimeUnit.MINUTES).statusCode()).isEqualTo(200);
    }
    await().atMost(Duration.ofMinutes(1)).until(() -> TestStacks.status(stack).get("phase").getAsString().equals("ASLEEP"));
    long stackMillis = ledgerMillis(emulators, env) - warmUpMillis;
    // The wake as the first prompt met it: sent to the GPU asleep, answered once it served.
    Duration answer = TOKEN.multipliedBy(30);
    Duration wake = Duration.between(sent.get(0), firstAnswered.get()).minus(answer);

    // The plan, for the same requests (as sent) and the stack's settings.
    Path log = dir.resolve("sent.txt");
    Files.writeString(log, String.join("\n", sent.stream()
        .map(t -> String.format(Locale.ROOT, "%d.%03d", t.getEpochSecond(), t.getNano() / 1_000_000)).toList()) + "\n");
    // The stack's time-compressed knobs (LocalStack): the frontend's heartbeat, the functions' write
    // granularity and heartbeat TTL.
    Duration pace = IDLE.dividedBy(4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Snooze.run(new String[] {"plan", log.toString(), "--idle", IDLE.toMillis() + "ms",
        "--check-interval", CHECK.toMillis() + "ms", "--wake", wake.toMillis() + "ms",
        "--duration", answer.toMillis() + "ms", "--debounce", DEBOUNCE.toMillis() + "ms",
        "--heartbeat", pace.toMillis() + "ms", "--set", "SNOOZE_ACTIVITY_GRANULARITY=" + IDLE.dividedBy(10).toMillis() / 1000.0,
        "--set", "SNOOZE_HEARTBEAT_TTL=" + IDLE.toMillis() / 1000.0,
        "--out", dir.resolve("plan").toString(), "--quiet"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    String[] row = Files.readAllLines(dir.resolve("plan").resolve("plan.csv")).get(1).split(",");
    double planSeconds = Double.parseDouble(row[8]);
    long planWakes = Long.parseLong(row[7]);

    double stackSeconds = stackMillis / 1000.0;
    System.out.printf(Locale.ROOT, "plan vs local stack: %.3f s vs %.3f s of GPU (%.2f%%), %d wakes planned, wake %d ms%n",
        planSeconds, stackSeconds, 100 * (planSeconds - stackSeconds) / stackSeconds, planWakes, wake.toMillis());
    assertThat(planWakes).as("a wake, and one after each of the two longest pauses").isEqualTo(3);
    assertThat(stack.compute().calls().get(RESIZE) - warmUpResizes).as("as many wakes and sleeps on the stack")
        .isEqualTo(2 * planWakes);
    assertThat(planSeconds).as("the plan's GPU seconds against the stack's ledger")
        .isCloseTo(stackSeconds, org.assertj.core.data.Percentage.withPercentage(2));
  }

  private HttpRequest generate() {
    return HttpRequest.newBuilder(URI.create(stack.frontend().url() + "/api/generate"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"demo\",\"stream\":false}"))
        .build();
  }

  /** Every millisecond the ledger holds, read from the state document itself (Status rounds to seconds). */
  private static long ledgerMillis(LocalEmulators emulators, Map<String, String> env) throws Exception {
    Firestore firestore = FirestoreOptions.newBuilder().setProjectId(SharedEmulators.PROJECT)
        .setHost(emulators.firestoreHost()).setEmulatorHost(emulators.firestoreHost())
        .setCredentials(NoCredentials.getInstance()).build().getService();
    try {
      Ledger ledger = new FirestoreStateStore(firestore, env.get("SNOOZE_STATE_COLLECTION"),
          FirestoreStateStore.documentId(SharedEmulators.PROJECT, "us-central1", "snooze-gpu")).read().ledger();
      assertThat(ledger.open()).as("asleep: nothing charged now").isEmpty();
      return ledger.millis(LocalDate.MIN, LocalDate.MAX, Instant.now(), ZoneOffset.UTC).values().stream()
          .mapToLong(Long::longValue).sum();
    } finally {
      firestore.close();
    }
  }
}
