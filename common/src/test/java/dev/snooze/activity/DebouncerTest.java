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
    assertThat(debouncer.onRequest(false)).isTrue();
    assertThat(debouncer.onRequest(false)).isFalse();
    advance(Duration.ofSeconds(29).plusMillis(999));
    assertThat(debouncer.onRequest(false)).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.onRequest(false)).isTrue();
    assertThat(debouncer.onRequest(false)).isFalse();
  }

  @Test
  void asleepPublishesAtOnceButAtMostOncePerShortWindow() {
    assertThat(debouncer.onRequest(false)).isTrue();
    advance(Duration.ofSeconds(5));
    // Within the 30 s window, but the backend is asleep: at once.
    assertThat(debouncer.onRequest(true)).isTrue();
    assertThat(debouncer.onRequest(true)).isFalse();
    advance(Duration.ofMillis(999));
    assertThat(debouncer.onRequest(true)).isFalse();
    assertThat(debouncer.onRequest(false)).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.onRequest(true)).isTrue();
  }

  @Test
  void aRequestTheWindowDidNotReportIsCoveredWhenTheWindowCloses() {
    long first = in(Duration.ZERO);
    assertThat(debouncer.onRequest(false)).isTrue();
    assertThat(debouncer.trailingDue()).as("everything reported").isEqualTo(Debouncer.NEVER);
    advance(Duration.ofSeconds(20));
    assertThat(debouncer.onRequest(false)).isFalse();

    assertThat(debouncer.trailingDue()).isEqualTo(first + WINDOW.toNanos());
    advance(Duration.ofSeconds(9));
    assertThat(debouncer.tryTrailing()).as("the window is still open").isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(debouncer.tryTrailing()).isTrue();
    assertThat(debouncer.tryTrailing()).as("once").isFalse();
    assertThat(debouncer.trailingDue()).isEqualTo(Debouncer.NEVER);
  }

  @Test
  void theEndOfARequestIsActivityToo() {
    assertThat(debouncer.onRequest(false)).isTrue();
    advance(Duration.ofMinutes(5)); // a long answer, its heartbeats skipped here
    debouncer.onEnd();
    assertThat(debouncer.trailingDue()).as("the window since the last message closed long ago: due now")
        .isLessThanOrEqualTo(clock.get());
    assertThat(debouncer.tryTrailing()).isTrue();
  }

  @Test
  void aMessageSentMeanwhileCoversWhatCameBeforeIt() {
    assertThat(debouncer.onRequest(false)).isTrue();
    advance(Duration.ofSeconds(10));
    debouncer.onEnd();
    advance(Duration.ofSeconds(5));
    assertThat(debouncer.tryHeartbeat(Duration.ofSeconds(10))).isTrue();
    assertThat(debouncer.trailingDue()).isEqualTo(Debouncer.NEVER);
    advance(WINDOW);
    assertThat(debouncer.tryTrailing()).isFalse();
  }

  @Test
  void goingAwayCoversWhatIsLeftAtOnceWindowOrNot() {
    assertThat(debouncer.tryFinal()).as("nothing happened").isFalse();
    assertThat(debouncer.onRequest(false)).isTrue();
    assertThat(debouncer.tryFinal()).as("everything reported").isFalse();
    advance(Duration.ofSeconds(1));
    debouncer.onEnd();
    assertThat(debouncer.tryFinal()).isTrue();
    assertThat(debouncer.tryFinal()).isFalse();
  }

  @Test
  void aHeartbeatStartsTheRequestsWindowAgain() {
    assertThat(debouncer.tryHeartbeat(Duration.ofSeconds(10))).isTrue();
    assertThat(debouncer.onRequest(false)).isFalse();
    advance(Duration.ofSeconds(29));
    assertThat(debouncer.onRequest(false)).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(debouncer.onRequest(false)).isTrue();
  }

  @Test
  void aHeartbeatRightAfterARequestsMessageIsSkippedButNeverOneAfterAnother() {
    Duration interval = Duration.ofSeconds(10);
    assertThat(debouncer.onRequest(false)).isTrue();
    advance(Duration.ofSeconds(9).plusMillis(999));
    assertThat(debouncer.tryHeartbeat(interval)).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.tryHeartbeat(interval)).isTrue();
    // A tick that comes early (the previous one ran late) still goes out.
    advance(Duration.ofSeconds(9));
    assertThat(debouncer.tryHeartbeat(interval)).isTrue();
  }

  @Test
  void asleepWindowNeverExceedsTheDebounceWindow() {
    Debouncer odd = new Debouncer(Duration.ofMillis(100), Duration.ofSeconds(1), clock::get);
    assertThat(odd.onRequest(true)).isTrue();
    advance(Duration.ofMillis(100));
    assertThat(odd.onRequest(true)).isTrue();
  }

  /** The clock stands still, so the outcome cannot depend on how the threads are scheduled. */
  @Test
  void exactlyOneWinnerUnderContention() throws Exception {
    AtomicInteger wins = new AtomicInteger();
    AtomicInteger trailing = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      boolean asleep = t % 2 == 0;
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1250; i++) {
          if (debouncer.onRequest(asleep && i == 0)) {
            wins.incrementAndGet();
          }
          if (debouncer.tryFinal()) {
            trailing.incrementAndGet();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(wins.get()).isEqualTo(1);
    assertThat(trailing.get()).as("every request came at the instant of the one message").isZero();
  }
}
