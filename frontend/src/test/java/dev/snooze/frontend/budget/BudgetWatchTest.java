package dev.snooze.frontend.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The budget's state from Status's readings: a field read for the proxy, a fresh question before holding. */
class BudgetWatchTest {
  private static final Instant NOW = Instant.parse("2026-12-03T20:00:00Z");
  private static final Instant RESET = Instant.parse("2026-12-03T23:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<Supplier<Future<JsonObject>>> answer = new AtomicReference<>();
  private Vertx vertx;

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  private BudgetWatch watch(Duration fresh) {
    return new BudgetWatch(() -> {
      calls.incrementAndGet();
      return answer.get().get();
    }, clock, fresh);
  }

  private void say(boolean exhausted) {
    JsonObject status = new JsonObject().put("phase", exhausted ? "OVER_BUDGET" : "ASLEEP")
        .put("budget", new JsonObject().put("exhausted", exhausted).put("reason", exhausted ? "used up" : null)
            .put("resetsAt", exhausted ? RESET.toString() : null));
    answer.set(() -> Future.succeededFuture(status));
  }

  @Test
  void everyReadingThroughTheWatchSetsTheVerdict() {
    BudgetWatch watch = watch(Duration.ofHours(1));
    say(true);
    watch.fetch();
    assertThat(watch.now()).isEqualTo(new OverBudget("used up", RESET));
    say(false);
    watch.fetch();
    assertThat(watch.now()).isNull();
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void aFreshVerdictIsReadWithoutAskingStatus() {
    BudgetWatch watch = watch(Duration.ofHours(1));
    say(true);
    watch.fetch();
    for (int i = 0; i < 100; i++) {
      assertThat(watch.now()).isNotNull();
    }
    assertThat(watch.fresh().result()).isNotNull();
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aStaleVerdictIsStillUsedAndAskedForAgainInTheBackgroundOnce() {
    BudgetWatch watch = watch(Duration.ZERO);
    say(true);
    watch.fetch();
    Promise<JsonObject> slow = Promise.promise();
    answer.set(slow::future);
    assertThat(watch.now()).as("the last word, while the new one is asked for").isNotNull();
    assertThat(watch.now()).isNotNull();
    assertThat(calls.get()).as("one background reading at a time").isEqualTo(2);
    slow.complete(new JsonObject().put("phase", "ASLEEP").put("budget", new JsonObject().put("exhausted", false)));
    assertThat(watch.now()).isNull();
  }

  @Test
  void noReadingYetRefusesNothingAndAsksInTheBackground() {
    BudgetWatch watch = watch(Duration.ofHours(1));
    say(true);
    Promise<JsonObject> slow = Promise.promise();
    answer.set(slow::future);
    assertThat(watch.now()).isNull();
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void freshAsksStatusWhenTheVerdictIsStale() {
    BudgetWatch watch = watch(Duration.ZERO);
    say(false);
    watch.fetch();
    say(true);
    assertThat(watch.fresh().result()).isEqualTo(new OverBudget("used up", RESET));
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void statusUnavailableOrSilentSaysNothing() {
    BudgetWatch watch = watch(Duration.ZERO);
    say(true);
    watch.fetch();
    answer.set(() -> Future.failedFuture("down"));
    Future<OverBudget> fresh = watch.fresh();
    assertThat(fresh.succeeded()).isTrue();
    assertThat(fresh.result()).isNull();
    assertThat(watch.now()).as("a failed reading replaces the last verdict").isNull();

    answer.set(() -> {
      throw new IllegalStateException("broken");
    });
    assertThat(watch.fresh().result()).isNull();
    answer.set(() -> null);
    assertThat(watch.fresh().result()).isNull();
  }

  @Test
  void statusThatNeverAnswersSaysNothingWithinTheWait() {
    BudgetWatch watch = watch(Duration.ZERO);
    answer.set(() -> Promise.<JsonObject>promise().future());
    OverBudget verdict = watch.fresh().toCompletionStage().toCompletableFuture().join();
    assertThat(verdict).isNull();
  }

  @Test
  void aVerdictPastItsResetSaysNothing() {
    BudgetWatch watch = new BudgetWatch(() -> Future.succeededFuture(new JsonObject()
        .put("budget", new JsonObject().put("exhausted", true).put("resetsAt", NOW.toString()))),
        clock, Duration.ofHours(1));
    watch.fetch();
    assertThat(watch.now()).isNull();
  }

  @Test
  void withoutStatusNothingIsEverRefused() {
    BudgetWatch watch = new BudgetWatch(null, clock, Duration.ZERO);
    assertThat(watch.now()).isNull();
    assertThat(watch.fresh().result()).isNull();
    assertThat(watch.fetch().failed()).isTrue();
  }

  @Test
  void listenersHearOfABudgetUsedUpOnEachReading() {
    BudgetWatch watch = watch(Duration.ofHours(1));
    List<OverBudget> heard = new CopyOnWriteArrayList<>();
    watch.onOverBudget(heard::add);
    say(false);
    watch.fetch();
    assertThat(heard).isEmpty();
    say(true);
    watch.fetch();
    assertThat(heard).containsExactly(new OverBudget("used up", RESET));
  }

  @Test
  void whileRequestsAreHeldStatusIsReadEveryFreshInterval() {
    vertx = Vertx.vertx();
    BudgetWatch watch = watch(Duration.ofMillis(50));
    say(false);
    AtomicBoolean holding = new AtomicBoolean();
    watch.start(vertx, holding::get);
    // Nothing held: six intervals pass without a reading.
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 0);
    holding.set(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 3);
    watch.close();
  }
}
