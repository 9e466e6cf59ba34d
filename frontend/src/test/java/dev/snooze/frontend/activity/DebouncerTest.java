package dev.snooze.frontend.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DebouncerTest {
  private final AtomicLong clock = new AtomicLong(5_000_000_000L);
  private final Debouncer debouncer = new Debouncer(Duration.ofSeconds(30), Duration.ofSeconds(1), clock::get);

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void firstRequestPublishesNextOnesWithinTheWindowDoNotAfterTheWindowOneDoes() {
    assertThat(debouncer.tryPublish(false)).isTrue();
    assertThat(debouncer.tryPublish(false)).isFalse();
    advance(Duration.ofSeconds(29).plusMillis(999));
    assertThat(debouncer.tryPublish(false)).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.tryPublish(false)).isTrue();
    assertThat(debouncer.tryPublish(false)).isFalse();
  }

  @Test
  void asleepPublishesAtOnceButAtMostOncePerShortWindow() {
    assertThat(debouncer.tryPublish(false)).isTrue();
    advance(Duration.ofSeconds(5));
    // Within the 30 s window, but the backend is asleep: at once.
    assertThat(debouncer.tryPublish(true)).isTrue();
    assertThat(debouncer.tryPublish(true)).isFalse();
    advance(Duration.ofMillis(999));
    assertThat(debouncer.tryPublish(true)).isFalse();
    assertThat(debouncer.tryPublish(false)).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(debouncer.tryPublish(true)).isTrue();
  }

  @Test
  void aHeartbeatStartsTheRequestsWindowAgain() {
    assertThat(debouncer.tryHeartbeat(Duration.ofSeconds(10))).isTrue();
    assertThat(debouncer.tryPublish(false)).isFalse();
    advance(Duration.ofSeconds(29));
    assertThat(debouncer.tryPublish(false)).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(debouncer.tryPublish(false)).isTrue();
  }

  @Test
  void aHeartbeatRightAfterARequestsMessageIsSkippedButNeverOneAfterAnother() {
    Duration interval = Duration.ofSeconds(10);
    assertThat(debouncer.tryPublish(false)).isTrue();
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
    assertThat(odd.tryPublish(true)).isTrue();
    advance(Duration.ofMillis(100));
    assertThat(odd.tryPublish(true)).isTrue();
  }

  @Test
  void exactlyOneWinnerUnderContention() throws Exception {
    Debouncer real = new Debouncer(Duration.ofSeconds(30), Duration.ofSeconds(1), System::nanoTime);
    AtomicInteger wins = new AtomicInteger();
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
          if (real.tryPublish(asleep && i == 0)) {
            wins.incrementAndGet();
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
  }
}
