package dev.snooze.frontend.budget;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the frontend knows of the GPU budget: the verdict of the last reading of the Status
 * function, whoever made it. Every reading goes through {@link #fetch()} (the page's polls, the
 * readiness probe's, which asks every 10 s while the GPU serves, and this watch's own), so
 * deciding a request is a field read, never a call to Status on the proxy's hot path:
 * <ul>
 *   <li>{@link #now()}, for a request to a GPU that serves: the last verdict whatever its age; one
 *       older than {@code fresh} is asked for again in the background, for the next requests;</li>
 *   <li>{@link #fresh()}, for a request that would be held for a wake: the GPU takes a minute to
 *       wake anyway, so a verdict older than {@code fresh} is asked for now (within
 *       {@link #WAIT}): a request is never held for a wake the budget forbids.</li>
 * </ul>
 * A failed or slow reading says nothing: Status unavailable never refuses a request. A verdict
 * whose reset time has passed says nothing either. Thread-safe.
 */
public final class BudgetWatch {
  /** How old a verdict may be before it is asked for again: "a few seconds". */
  public static final Duration FRESH = Duration.ofSeconds(5);
  /** The longest a request that would be held waits for Status's word on the budget. */
  public static final Duration WAIT = Duration.ofSeconds(2);

  /** A verdict (null: within the budget, or not known) and when it was read ({@link System#nanoTime()}). */
  private record Reading(OverBudget overBudget, long atNanos) {}

  private final Supplier<Future<JsonObject>> status;
  private final Clock clock;
  private final long freshNanos;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final List<Consumer<OverBudget>> listeners = new CopyOnWriteArrayList<>();
  private volatile Reading last;
  private Vertx vertx;
  private long timer = -1;

  /**
   * @param status the Status function's JSON (a failed future when unavailable), or null: no
   *     Status, no budget, nothing is ever refused
   * @param clock tells whether a verdict's reset time has passed
   */
  public BudgetWatch(Supplier<Future<JsonObject>> status, Clock clock, Duration fresh) {
    this.status = status;
    this.clock = clock;
    this.freshNanos = fresh.toNanos();
  }

  /** Status's JSON; its answer becomes the verdict. Fails when Status is unavailable. */
  public Future<JsonObject> fetch() {
    if (status == null) {
      return Future.failedFuture("no Status function");
    }
    Future<JsonObject> answer;
    try {
      answer = status.get();
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    if (answer == null) {
      answer = Future.failedFuture("the Status source gave no answer");
    }
    return answer.onComplete(this::read);
  }

  /** The budget used up as last read, or null; a verdict older than {@code fresh} is read again in the background. */
  public OverBudget now() {
    Reading reading = last;
    if (status != null && (reading == null || System.nanoTime() - reading.atNanos() > freshNanos)) {
      refresh();
    }
    return reading == null ? null : standing(reading.overBudget());
  }

  /** The budget used up as read within {@code fresh}, asking Status now if need be; null when within it or not known. Never fails. */
  public Future<OverBudget> fresh() {
    Reading reading = last;
    if (status == null || reading != null && System.nanoTime() - reading.atNanos() <= freshNanos) {
      return Future.succeededFuture(reading == null ? null : standing(reading.overBudget()));
    }
    return fetch().timeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .transform(read -> Future.succeededFuture(read.succeeded() ? standing(OverBudget.of(read.result())) : null));
  }

  /** Reads Status in the background unless a reading of this watch's own is under way. */
  public void refresh() {
    if (status != null && refreshing.compareAndSet(false, true)) {
      // Bounded: a reading that never ends must not stop every later one.
      fetch().timeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).onComplete(done -> refreshing.set(false));
    }
  }

  /** Runs {@code listener} on each reading that finds the budget used up (on the reading's thread). */
  public void onOverBudget(Consumer<OverBudget> listener) {
    listeners.add(listener);
  }

  /**
   * While {@code waiting} (requests are held for a wake), reads Status every {@code fresh}: a
   * budget used up in the meantime (the wake's own GPU time may use up the last of it) is found
   * without a page open, and the listeners let those requests go.
   */
  public void start(Vertx vertx, BooleanSupplier waiting) {
    if (status == null) {
      return;
    }
    this.vertx = vertx;
    timer = vertx.setPeriodic(Math.max(1, freshNanos / 1_000_000), id -> {
      if (waiting.getAsBoolean()) {
        refresh();
      }
    });
  }

  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void read(AsyncResult<JsonObject> answer) {
    OverBudget verdict = answer.succeeded() ? OverBudget.of(answer.result()) : null;
    last = new Reading(verdict, System.nanoTime());
    OverBudget standing = standing(verdict);
    if (standing != null) {
      listeners.forEach(listener -> listener.accept(standing));
    }
  }

  /** The verdict unless its reset time has passed. */
  private OverBudget standing(OverBudget verdict) {
    return verdict != null && verdict.at(clock.instant()) ? verdict : null;
  }
}
