package dev.snooze.frontend.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.activity.ActivityMessage.Kind;
import dev.snooze.frontend.activity.ActivitySignal.InFlight;
import dev.snooze.logging.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PubsubActivityTest {
  private static final Duration DEBOUNCE = Duration.ofSeconds(30);
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final JsonLog log = new JsonLog("activity",
      new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  private final ManualScheduler scheduler = new ManualScheduler(false);
  private final RecordingSink sink = new RecordingSink();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private PubsubActivity activity(int queue, Duration asleepWindow, ActivitySink sink, Scheduler scheduler) {
    PubsubActivity activity = new PubsubActivity(
        new PubsubActivity.Settings("fe-1", DEBOUNCE, asleepWindow, HEARTBEAT, queue, Duration.ofSeconds(2)),
        sink, scheduler, log);
    toClose.add(activity);
    return activity;
  }

  private PubsubActivity activity() {
    return activity(100, Duration.ofSeconds(1), sink, scheduler);
  }

  private static List<String> summary(List<ActivityMessage> messages) {
    return messages.stream().map(m -> m.kind().wire() + ":" + m.inFlight()).toList();
  }

  @Test
  void firstRequestIsPublishedOthersWithinTheWindowAreNot() {
    PubsubActivity activity = activity();
    activity.begin(false).close();
    InFlight second = activity.begin(false);
    // Nothing is published on the caller's thread: only once the worker runs.
    assertThat(sink.messages()).isEmpty();
    assertThat(scheduler.runPending()).isEqualTo(1);
    assertThat(summary(sink.messages())).containsExactly("request:1");
    second.close();

    scheduler.advance(Duration.ofSeconds(29));
    activity.begin(false).close();
    scheduler.runPending();
    assertThat(summary(sink.messages())).as("inside the window").containsExactly("request:1");
    assertThat(activity.sent()).isEqualTo(1);
  }

  /**
   * The request at 20 s is covered by a message when the window closes at 30 s: without it the
   * newest activity the functions know of is 20 s older than the user's last request, and the
   * GPU would sleep that much before the idle timeout counted from it.
   */
  @Test
  void aRequestTheWindowDidNotReportIsReportedWhenTheWindowCloses() {
    PubsubActivity activity = activity();
    activity.begin(false).close();
    scheduler.advance(Duration.ofSeconds(20));
    activity.begin(false).close();
    scheduler.advance(Duration.ofSeconds(9).plusMillis(999));
    assertThat(summary(sink.messages())).containsExactly("request:1");

    scheduler.advance(Duration.ofMillis(1));
    assertThat(summary(sink.messages())).as("at 30 s").containsExactly("request:1", "request:0");
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(sink.messages()).hasSize(2);
  }

  @Test
  void aLongAnswerBegunInsideTheWindowIsCoveredByItsHeartbeats() {
    PubsubActivity activity = activity();
    activity.begin(false).close();
    scheduler.advance(Duration.ofSeconds(20));
    InFlight answer = activity.begin(false);
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(summary(sink.messages())).as("at 30 s, its first heartbeat").containsExactly("request:1", "heartbeat:1");
    scheduler.advance(Duration.ofSeconds(25));
    answer.close(); // at 55 s, after the heartbeat of 50 s
    scheduler.advance(Duration.ofSeconds(25));
    assertThat(summary(sink.messages())).as("its end covered at 80 s, a window after the last message")
        .containsExactly("request:1", "heartbeat:1", "heartbeat:1", "heartbeat:1", "request:0");
  }

  /**
   * An answer that ends after its last message (here a request at 20 s ends at 25 s, inside the
   * window of the message at 0 s) is reported when the window closes, with nothing in flight, so
   * that the functions count the idle time from the end and stop holding the GPU for it.
   */
  @Test
  void theEndOfAnAnswerIsReportedWithNothingInFlight() {
    PubsubActivity activity = activity();
    activity.begin(false).close();
    scheduler.advance(Duration.ofSeconds(20));
    InFlight answer = activity.begin(false);
    scheduler.advance(Duration.ofSeconds(5));
    answer.close();
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(summary(sink.messages())).containsExactly("request:1", "request:0");
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(sink.messages()).hasSize(2);
  }

  @Test
  void aTrailingMessageTakesTheWindowItOpens() {
    PubsubActivity activity = activity();
    activity.begin(false).close();
    scheduler.advance(Duration.ofSeconds(29));
    activity.begin(false).close();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(summary(sink.messages())).containsExactly("request:1", "request:0");

    activity.begin(false).close(); // at 30 s, covered by the message of the same instant
    scheduler.advance(Duration.ofSeconds(29));
    activity.begin(false).close();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(summary(sink.messages())).as("at most two messages per window")
        .containsExactly("request:1", "request:0", "request:0");
  }

  @Test
  void backendAsleepPublishesAtOnceButNeverFloods() {
    PubsubActivity activity = activity();
    activity.begin(false).close();
    scheduler.advance(Duration.ofSeconds(3));
    for (int i = 0; i < 50; i++) {
      activity.begin(true).close();
    }
    scheduler.runPending();
    assertThat(summary(sink.messages())).containsExactly("request:1", "request:1");

    scheduler.advance(Duration.ofSeconds(1));
    activity.begin(true).close();
    scheduler.runPending();
    assertThat(sink.messages()).hasSize(3);
  }

  @Test
  void heartbeatsEveryIntervalWithTheInFlightCountAndNoneAfterTheLastClose() {
    PubsubActivity activity = activity();
    InFlight first = activity.begin(false);
    scheduler.runPending();
    scheduler.advance(HEARTBEAT);
    assertThat(summary(sink.messages())).containsExactly("request:1", "heartbeat:1");

    InFlight second = activity.begin(false); // twice the last count: told at once, window or not
    scheduler.advance(HEARTBEAT);
    assertThat(summary(sink.messages())).containsExactly("request:1", "heartbeat:1", "request:2", "heartbeat:2");

    first.close();
    first.close(); // twice is harmless
    scheduler.advance(HEARTBEAT);
    assertThat(summary(sink.messages()))
        .containsExactly("request:1", "heartbeat:1", "request:2", "heartbeat:2", "heartbeat:1");
    assertThat(activity.inFlight()).isEqualTo(1);

    second.close();
    assertThat(scheduler.repeatingCount()).isZero();
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(sink.messages()).hasSize(5);
    assertThat(activity.inFlight()).isZero();
  }

  @Test
  void aLongStreamGetsHeartbeatsForItsWholeLength() {
    PubsubActivity activity = activity();
    InFlight stream = activity.begin(false);
    for (int i = 0; i < 30; i++) {
      scheduler.advance(HEARTBEAT);
    }
    stream.close();
    scheduler.advance(Duration.ofMinutes(5));
    List<ActivityMessage> messages = sink.messages();
    assertThat(messages.get(0).kind()).isEqualTo(Kind.REQUEST);
    assertThat(messages.subList(1, messages.size())).hasSize(30).allSatisfy(m -> {
      assertThat(m.kind()).isEqualTo(Kind.HEARTBEAT);
      assertThat(m.inFlight()).isEqualTo(1);
      assertThat(m.source()).isEqualTo("fe-1");
    });
  }

  @Test
  void heartbeatsStartAgainWhenRequestsReturn() {
    PubsubActivity activity = activity();
    activity.begin(false).close();
    scheduler.advance(Duration.ofMinutes(1));
    InFlight again = activity.begin(false);
    scheduler.advance(HEARTBEAT);
    again.close();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(summary(sink.messages())).containsExactly("request:1", "request:1", "heartbeat:1");
  }

  @Test
  void aHeartbeatDueJustAfterARequestsMessageIsSkipped() {
    PubsubActivity activity = activity();
    activity.begin(false).close();
    scheduler.runPending();
    scheduler.advance(Duration.ofSeconds(25));
    InFlight stream = activity.begin(false); // debounced; heartbeats due at 35 s, 45 s...
    scheduler.advance(Duration.ofSeconds(5));
    // 30 s: the window's trailing message reports the stream; then two in flight, twice that: told at once
    activity.begin(false).close();
    scheduler.runPending();
    scheduler.advance(Duration.ofSeconds(5)); // 35 s: those messages said it 5 s ago
    assertThat(summary(sink.messages())).containsExactly("request:1", "request:1", "request:2");

    scheduler.advance(HEARTBEAT);
    assertThat(summary(sink.messages())).containsExactly("request:1", "request:1", "request:2", "heartbeat:1");
    stream.close();
  }

  @Test
  void anIntentIsPublishedOncePerWindowWhateverThePageDoes() {
    PubsubActivity activity = activity();
    assertThat(activity.intent()).isTrue();
    for (int i = 0; i < 50; i++) {
      assertThat(activity.intent()).as("a reload storm").isFalse();
    }
    scheduler.runPending();
    assertThat(sink.messages()).containsExactly(ActivityMessage.intent("fe-1"));

    scheduler.advance(Duration.ofSeconds(29));
    assertThat(activity.intent()).as("still inside the window").isFalse();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(activity.intent()).as("a window later").isTrue();
    scheduler.runPending();
    assertThat(summary(sink.messages())).containsExactly("intent:null", "intent:null");
  }

  /**
   * An intent never keeps the GPU awake: nothing in flight, no heartbeat, no trailing message; and
   * it never takes the place of a request's message, so a prompt right after it is reported at
   * once, as if the intent had not been.
   */
  @Test
  void anIntentIsNeitherARequestNorInTheRequestsWay() {
    PubsubActivity activity = activity();
    activity.intent();
    assertThat(activity.inFlight()).isZero();
    assertThat(scheduler.repeatingCount()).as("no heartbeat").isZero();
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(summary(sink.messages())).as("nothing after it").containsExactly("intent:null");

    activity.intent();
    activity.begin(false).close();
    scheduler.runPending();
    assertThat(summary(sink.messages())).containsExactly("intent:null", "intent:null", "request:1");
  }

  @Test
  void noIntentAfterClose() {
    PubsubActivity activity = activity();
    activity.close();
    assertThat(activity.intent()).isFalse();
    assertThat(sink.messages()).isEmpty();
  }

  @Test
  void fullQueueDropsCountsAndWarnsOnce() {
    PubsubActivity activity = activity(2, Duration.ofSeconds(1), sink, scheduler);
    for (int i = 0; i < 5; i++) {
      activity.begin(true).close();
      // Time passes, but the worker never ran: the queue fills.
      scheduler.advanceClockOnly(Duration.ofSeconds(1));
    }
    assertThat(activity.dropped()).isEqualTo(3);
    String warnings = err.toString(StandardCharsets.UTF_8);
    assertThat(warnings.lines()).hasSize(1);
    assertThat(warnings).contains("\"severity\":\"WARNING\"").contains("Activity queue full")
        .contains("\"dropped\":1").contains("\"droppedTotal\":1");

    scheduler.runPending();
    assertThat(sink.messages()).hasSize(2);
    // Room again.
    activity.begin(true).close();
    scheduler.runPending();
    assertThat(sink.messages()).hasSize(3);
  }

  @Test
  void aStuckPublisherNeverSlowsBegin() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    RecordingSink stuck = new RecordingSink().blockingOn(gate);
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      PubsubActivity activity = activity(10, Duration.ZERO, stuck, Scheduler.of(executor));
      // The sink never returns: a begin that waited for it would never return either.
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
        for (int i = 0; i < 2_000; i++) {
          activity.begin(true).close();
        }
      });
      // One is stuck in the sink, ten wait in the queue: the rest are dropped, counted.
      assertThat(activity.dropped()).isBetween(1_989L, 1_990L);
      assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
    } finally {
      gate.countDown();
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void publishFailuresAreLoggedNeverThrown() {
    RecordingSink failing = new RecordingSink().failingWith(new IllegalStateException("UNAVAILABLE: no route"));
    PubsubActivity activity = activity(100, Duration.ofSeconds(1), failing, scheduler);
    activity.begin(true).close();
    scheduler.runPending();
    assertThat(activity.failed()).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Activity publish failed").contains("UNAVAILABLE: no route").contains("\"failed\":1");

    RecordingSink throwing = new RecordingSink().throwing(new IllegalStateException("shut down"));
    PubsubActivity other = activity(100, Duration.ofSeconds(1), throwing, scheduler);
    other.begin(true).close();
    scheduler.runPending();
    assertThat(other.failed()).isEqualTo(1);
  }

  @Test
  void closeFlushesWhatIsQueuedThenIgnoresNewRequests() {
    PubsubActivity activity = activity();
    InFlight open = activity.begin(true);
    assertThat(sink.messages()).isEmpty();
    activity.close();
    assertThat(summary(sink.messages())).containsExactly("request:1");
    assertThat(sink.closed()).isTrue();
    assertThat(scheduler.repeatingCount()).isZero();

    open.close();
    scheduler.advance(Duration.ofSeconds(5));
    activity.begin(true).close();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(sink.messages()).hasSize(1);
    activity.close(); // twice is harmless
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Activity publisher closed").contains("\"sent\":1");
  }

  /** The clock stands still, so the outcome cannot depend on how the threads are scheduled. */
  @Test
  void debounceUnderLoadFromEightThreads() throws Exception {
    // Publishing on the callers' threads: the worst case for races.
    Scheduler direct = new ManualScheduler(true);
    PubsubActivity activity = activity(1000, Duration.ofSeconds(1), sink, direct);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1_250; i++) {
          activity.begin(false).close();
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    // Up to eight in flight at once: the first message, then one per doubling (at most 1, 2, 4, 8).
    List<Integer> counts = sink.messages().stream().map(ActivityMessage::inFlight).sorted().toList();
    assertThat(counts).hasSizeBetween(1, 4).allSatisfy(n -> assertThat(n).isBetween(1, 8));
    for (int i = 1; i < counts.size(); i++) {
      assertThat(counts.get(i)).as("each at least twice the one before: " + counts).isGreaterThanOrEqualTo(2 * counts.get(i - 1));
    }
    assertThat(activity.inFlight()).isZero();
    assertThat(activity.dropped()).isZero();
  }

  /**
   * Twenty prompts at once reach the functions as they come, one message per doubling, not as one
   * prompt for a whole window: the functions size the GPU group on these counts.
   */
  @Test
  void aBurstIsToldAtEachDoublingThenInFullByTheNextMessage() {
    PubsubActivity activity = activity();
    List<InFlight> burst = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      burst.add(activity.begin(false));
    }
    scheduler.runPending();
    assertThat(summary(sink.messages())).containsExactly("request:1", "request:2", "request:4", "request:8", "request:16");

    scheduler.advance(HEARTBEAT);
    assertThat(summary(sink.messages())).as("the heartbeat says the rest")
        .containsExactly("request:1", "request:2", "request:4", "request:8", "request:16", "heartbeat:20");
    burst.forEach(InFlight::close);
  }
}
