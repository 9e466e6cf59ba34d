package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeadlineTest {
  @RegisterExtension
  final Loopback loopback = new Loopback();
  private final Vertx vertx = loopback.vertx;


  @Test
  void expiresAfterItsTimeoutOnTheContextThatStartedIt() throws Exception {
    CompletableFuture<Boolean> expired = new CompletableFuture<>();
    long[] started = new long[1];
    vertx.runOnContext(v -> {
      started[0] = System.nanoTime();
      Deadline.start(vertx, Duration.ofMillis(100), () -> expired.complete(Vertx.currentContext() != null));
    });
    assertThat(expired.get(5, TimeUnit.SECONDS)).as("on a Vert.x context").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started[0])).isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  /** A forward sent again to a busy GPU: the pause counts, the timeout is the request's, not each forward's. */
  @Test
  void aResumedDeadlineRunsOnWhatWasLeftOfTheFirst() throws Exception {
    CompletableFuture<Long> expiredAt = new CompletableFuture<>();
    CompletableFuture<Duration> left = new CompletableFuture<>();
    long[] started = new long[1];
    vertx.runOnContext(v -> {
      started[0] = System.nanoTime();
      Deadline first = Deadline.start(vertx, Duration.ofMillis(300), () -> expiredAt.complete(System.nanoTime()));
      first.cancel(); // the pause before sending again
      vertx.setTimer(100, id -> left.complete(first.resumed().left()));
    });
    assertThat(left.get(5, TimeUnit.SECONDS)).as("at most 300 ms less the 100 ms pause")
        .isLessThanOrEqualTo(Duration.ofMillis(200)).isPositive();
    assertThat(Duration.ofNanos(expiredAt.get(5, TimeUnit.SECONDS) - started[0]))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void aCancelledDeadlineNeverExpires() throws Exception {
    AtomicBoolean cancelledExpired = new AtomicBoolean();
    CompletableFuture<Void> later = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      Deadline cancelled = Deadline.start(vertx, Duration.ofMillis(50), () -> cancelledExpired.set(true));
      cancelled.cancel();
      cancelled.cancel();
      // Same event loop, later deadline: by the time it expires the first would have.
      Deadline.start(vertx, Duration.ofMillis(150), () -> later.complete(null));
    });
    later.get(5, TimeUnit.SECONDS);
    assertThat(cancelledExpired).isFalse();
  }
}
