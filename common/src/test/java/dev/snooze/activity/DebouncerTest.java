package dev.snooze.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DebouncerTest {
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private final AtomicLong clock = new AtomicLong(5_000_000_000L);
  private final Debouncer debouncer = new Debouncer(WINDOW, Duration.ofSeconds(1), clock::get);

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  private long in(Duration d) {
    return clock.get() + d.toNanos();
  }

  @Test
  void firstRequestPublishesNextOnesWithinTheWindowDoNotAfterTheWindowOneDoes() {
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    assertThat(debouncer.onRequest(false, 1)).isFalse();
    advance(Duration.ofSeconds(29).plusMillis(999));
    assertThat(debouncer.onRequest(false, 1)).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    assertThat(debouncer.onRequest(false, 1)).isFalse();
  }

  @Test
  void asleepPublishesAtOnceButAtMostOncePerShortWindow() {
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    advance(Duration.ofSeconds(5));
    // Within the 30 s window, but the backend is asleep: at once.
    assertThat(debouncer.onRequest(true, 1)).isTrue();
    assertThat(debouncer.onRequest(true, 1)).isFalse();
    advance(Duration.ofMillis(999));
    assertThat(debouncer.onRequest(true, 1)).isFalse();
    assertThat(debouncer.onRequest(false, 1)).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.onRequest(true, 1)).isTrue();
  }

  @Test
  void aRequestTheWindowDidNotReportIsCoveredWhenTheWindowCloses() {
    long first = in(Duration.ZERO);
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    assertThat(debouncer.trailingDue(1)).as("everything reported").isEqualTo(Debouncer.NEVER);
    advance(Duration.ofSeconds(20));
    assertThat(debouncer.onRequest(false, 1)).isFalse();

    assertThat(debouncer.trailingDue(1)).isEqualTo(first + WINDOW.toNanos());
    advance(Duration.ofSeconds(9));
    assertThat(debouncer.tryTrailing(1)).as("the window is still open").isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(debouncer.tryTrailing(1)).isTrue();
    assertThat(debouncer.tryTrailing(1)).as("once").isFalse();
    assertThat(debouncer.trailingDue(1)).isEqualTo(Debouncer.NEVER);
  }

  @Test
  void theEndOfARequestIsActivityToo() {
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    advance(Duration.ofMinutes(5)); // a long answer, its heartbeats skipped here
    debouncer.onEnd();
    assertThat(debouncer.trailingDue(0)).as("the window since the last message closed long ago: due now")
        .isLessThanOrEqualTo(clock.get());
    assertThat(debouncer.tryTrailing(1)).isTrue();
  }

  @Test
  void aMessageSentMeanwhileCoversWhatCameBeforeIt() {
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    advance(Duration.ofSeconds(10));
    debouncer.onEnd();
    advance(Duration.ofSeconds(5));
    assertThat(debouncer.tryHeartbeat(Duration.ofSeconds(10), 1)).isTrue();
    assertThat(debouncer.trailingDue(1)).isEqualTo(Debouncer.NEVER);
    advance(WINDOW);
    assertThat(debouncer.tryTrailing(1)).isFalse();
  }

  @Test
  void goingAwayCoversWhatIsLeftAtOnceWindowOrNot() {
    assertThat(debouncer.tryFinal(1)).as("nothing happened").isFalse();
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    assertThat(debouncer.tryFinal(1)).as("everything reported").isFalse();
    advance(Duration.ofSeconds(1));
    debouncer.onEnd();
    assertThat(debouncer.tryFinal(1)).isTrue();
    assertThat(debouncer.tryFinal(1)).isFalse();
  }

  @Test
  void aHeartbeatStartsTheRequestsWindowAgain() {
    assertThat(debouncer.tryHeartbeat(Duration.ofSeconds(10), 1)).isTrue();
    assertThat(debouncer.onRequest(false, 1)).isFalse();
    advance(Duration.ofSeconds(29));
    assertThat(debouncer.onRequest(false, 1)).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(debouncer.onRequest(false, 1)).isTrue();
  }

  @Test
  void aHeartbeatRightAfterARequestsMessageIsSkippedButNeverOneAfterAnother() {
    Duration interval = Duration.ofSeconds(10);
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    advance(Duration.ofSeconds(9).plusMillis(999));
    assertThat(debouncer.tryHeartbeat(interval, 1)).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.tryHeartbeat(interval, 1)).isTrue();
    // A tick that comes early (the previous one ran late) still goes out.
    advance(Duration.ofSeconds(9));
    assertThat(debouncer.tryHeartbeat(interval, 1)).isTrue();
  }

  @Test
  void asleepWindowNeverExceedsTheDebounceWindow() {
    Debouncer odd = new Debouncer(Duration.ofMillis(100), Duration.ofSeconds(1), clock::get);
    assertThat(odd.onRequest(true, 1)).isTrue();
    advance(Duration.ofMillis(100));
    assertThat(odd.onRequest(true, 1)).isTrue();
  }

  /** Requests begin one after another, none ending, a millisecond apart: the counts published. */
  private List<Integer> step(int from, int to) {
    List<Integer> published = new ArrayList<>();
    for (int inFlight = from; inFlight <= to; inFlight++) {
      if (debouncer.onRequest(false, inFlight)) {
        published.add(inFlight);
      }
      advance(Duration.ofMillis(1));
    }
    return published;
  }

  @Test
  void aBurstFrom1To20IsReportedAtEachDoublingNotAWindowLater() {
    assertThat(step(1, 20)).as("the leading edge, then one message per doubling").containsExactly(1, 2, 4, 8, 16);
    assertThat(debouncer.reported()).isEqualTo(16);
  }

  @Test
  void requestsBelowTwiceTheLastCountInsideTheWindowPublishNothing() {
    assertThat(debouncer.onRequest(false, 3)).as("leading edge").isTrue();
    assertThat(step(4, 5)).isEmpty();
    advance(Duration.ofSeconds(20));
    assertThat(debouncer.onRequest(false, 5)).as("still inside the window, still below 6").isFalse();
    assertThat(debouncer.onRequest(false, 6)).isTrue();
    assertThat(debouncer.reported()).isEqualTo(6);
  }

  @Test
  void aSingleRequestIsNoSurgeEvenAfterAMessageThatReportedNone() {
    assertThat(debouncer.onRequest(false, 1)).isTrue();
    advance(Duration.ofSeconds(2));
    debouncer.onEnd();
    advance(WINDOW);
    assertThat(debouncer.tryTrailing(0)).isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(debouncer.onRequest(false, 1)).as("1 is not twice anything worth a message").isFalse();
    assertThat(debouncer.onRequest(false, 2)).isTrue();
  }

  @Test
  void theTrailingEdgeReportsWhatTheSurgesLeftOutOneShortWindowLater() {
    long surgeStart = in(Duration.ZERO);
    step(1, 20); // the last message reported 16, at 16 ms
    long lastSurge = surgeStart + Duration.ofMillis(15).toNanos();
    assertThat(debouncer.trailingDue(20)).as("20 in flight, 16 reported: one short window after the last message")
        .isEqualTo(lastSurge + Duration.ofSeconds(1).toNanos());
    assertThat(debouncer.trailingDue(16)).as("no rise left unreported: one window").isEqualTo(lastSurge + WINDOW.toNanos());
    advance(Duration.ofSeconds(1).minus(Duration.ofMillis(6))); // the step ended 5 ms after its last message
    assertThat(debouncer.tryTrailing(20)).as("the short window since the message at 16 is open").isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.tryTrailing(20)).isTrue();
    assertThat(debouncer.reported()).isEqualTo(20);
    assertThat(step(21, 39)).as("the next surge is twice what the functions were told last").isEmpty();
    assertThat(debouncer.onRequest(false, 40)).isTrue();
  }

  @Test
  void fewerInFlightThanReportedWaitTheWholeWindow() {
    step(1, 8); // the last message reported 8
    long last = clock.get() - Duration.ofMillis(1).toNanos();
    debouncer.onEnd();
    debouncer.onEnd();
    advance(Duration.ofSeconds(2));
    assertThat(debouncer.tryTrailing(6)).as("a fall is no hurry: the functions scale in slowly anyway").isFalse();
    assertThat(debouncer.trailingDue(6)).isEqualTo(last + WINDOW.toNanos());
  }

  @Test
  void aHeartbeatsCountIsWhatTheNextSurgeIsMeasuredFrom() {
    step(1, 16);
    // The burst is answered; one request is left when the heartbeat reports.
    advance(Duration.ofSeconds(10));
    assertThat(debouncer.tryHeartbeat(Duration.ofSeconds(10), 1)).isTrue();
    assertThat(debouncer.reported()).isEqualTo(1);
    assertThat(debouncer.onRequest(false, 2)).as("a new burst is told at once, not measured from 16").isTrue();
  }

  @Test
  void exactlyOneWinnerPerDoublingUnderContention() throws Exception {
    assertThat(debouncer.onRequest(false, 2)).isTrue();
    AtomicInteger wins = new AtomicInteger();
    together(8, t -> {
      for (int i = 0; i < 1000; i++) {
        if (debouncer.onRequest(false, 4)) {
          wins.incrementAndGet();
        }
      }
    });
    assertThat(wins.get()).isEqualTo(1);
    assertThat(debouncer.reported()).isEqualTo(4);
  }

  /** The clock stands still, so the outcome cannot depend on how the threads are scheduled. */
  @Test
  void exactlyOneWinnerUnderContention() throws Exception {
    AtomicInteger wins = new AtomicInteger();
    AtomicInteger trailing = new AtomicInteger();
    together(8, t -> {
      boolean asleep = t % 2 == 0;
      for (int i = 0; i < 1250; i++) {
        if (debouncer.onRequest(asleep && i == 0, 1)) {
          wins.incrementAndGet();
        }
        if (debouncer.tryFinal(1)) {
          trailing.incrementAndGet();
        }
      }
    });
    assertThat(wins.get()).isEqualTo(1);
    assertThat(trailing.get()).as("every request came at the instant of the one message").isZero();
  }

  /** Runs {@code body(t)} on {@code threads} threads released at once, and waits for them all. */
  private static void together(int threads, java.util.function.IntConsumer body) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        body.accept(index);
      });
      thread.start();
      started.add(thread);
    }
    start.countDown();
    for (Thread thread : started) {
      thread.join();
    }
  }
}
