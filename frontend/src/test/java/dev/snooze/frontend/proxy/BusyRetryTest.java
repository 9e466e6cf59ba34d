package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The busy GPU's backoff: how long a request waits before it is sent again, and when it no longer is. */
class BusyRetryTest {
  private static final Duration PLENTY = Duration.ofMinutes(10);

  private static List<Duration> pauses(BusyRetry retry, int count) {
    List<Duration> pauses = new ArrayList<>();
    for (int retries = 0; retries < count; retries++) {
      pauses.add(retry.pause(retries, PLENTY).orElseThrow());
    }
    return pauses;
  }

  @Test
  void halfASecondDoublingToFiveSecondsAtMost() {
    assertThat(pauses(new BusyRetry(() -> 0), 7)).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertThat(new BusyRetry(() -> 0).pause(1_000, PLENTY)).as("however often").contains(Duration.ofSeconds(5));
  }

  @Test
  void jitterShortensAPauseToNoLessThanHalf() {
    assertThat(new BusyRetry(() -> 0.5).pause(1, PLENTY)).contains(Duration.ofMillis(750));
    Duration shortest = new BusyRetry(() -> Math.nextDown(1.0)).pause(4, PLENTY).orElseThrow();
    assertThat(shortest).isBetween(Duration.ofMillis(2_500), Duration.ofMillis(2_501));
  }

  @Test
  void noPauseThatWouldEndAtOrPastTheDeadline() {
    BusyRetry retry = new BusyRetry(() -> 0);
    assertThat(retry.pause(2, Duration.ofMillis(2_001))).contains(Duration.ofSeconds(2));
    assertThat(retry.pause(2, Duration.ofSeconds(2))).as("the send would come as the deadline ends it").isEmpty();
    assertThat(retry.pause(0, Duration.ZERO)).isEqualTo(Optional.empty());
  }

  @Test
  void onlyA503WhoseBodyWasSentWholeMayBeSentAgain() {
    assertThat(BusyRetry.mayBeBusy(503, true)).isTrue();
    assertThat(BusyRetry.mayBeBusy(503, false)).as("part of the body is still to come: it was not kept whole").isFalse();
    assertThat(BusyRetry.mayBeBusy(429, true)).isFalse();
    assertThat(BusyRetry.mayBeBusy(500, true)).isFalse();
  }
}
