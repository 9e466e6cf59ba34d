package dev.snooze.frontend.coldstart;

import dev.snooze.frontend.config.HoldSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Requests held while the GPU wakes: each waits up to {@code wakeTimeout} for the backend to
 * become ready, at most {@code maxPending} at once; the excess and the expired fail with
 * {@link HoldRejected}; all of them are let go when the wake will not come ({@link #rejectAll}).
 * A probe runs as soon as a request arrives, so a backend that is already up is found at once.
 */
public final class Hold {
  /** The phase named in 503 bodies while the backend is not ready. */
  public static final String WAKING = "WAKING";

  private final Vertx vertx;
  private final BackendReadiness readiness;
  private final Duration wakeTimeout;
  private final int maxPending;
  private final Duration expectedWake;
  private final Clock clock;
  private final Set<Waiter> waiters = new LinkedHashSet<>();

  public Hold(Vertx vertx, BackendReadiness readiness, HoldSettings settings, Clock clock) {
    this.vertx = vertx;
    this.readiness = readiness;
    this.wakeTimeout = settings.wakeTimeout();
    this.maxPending = settings.maxPending();
    this.expectedWake = settings.expectedWake();
    this.clock = clock;
    readiness.onReady(this::release);
  }

  /** One held request. */
  public final class Waiter {
    private final Promise<Void> promise = Promise.promise();
    private long timer = -1;

    /** Succeeds when the backend is ready; fails with {@link HoldRejected}. */
    public Future<Void> future() {
      return promise.future();
    }

    /** The client went away: stop waiting, free the slot. */
    public void cancel() {
      if (remove(this)) {
        vertx.cancelTimer(timer);
        promise.tryFail(new HoldRejected("cancelled", WAKING, retryAfterSeconds()));
      }
    }
  }

  /** Holds a request until the backend is ready (at once when it already is). */
  public Waiter admit() {
    Waiter waiter = new Waiter();
    if (readiness.isReady()) {
      waiter.promise.complete();
      return waiter;
    }
    synchronized (this) {
      if (waiters.size() >= maxPending) {
        waiter.promise.fail(new HoldRejected(
            "too many requests are waiting for the GPU to wake up", WAKING, retryAfterSeconds()));
        return waiter;
      }
      waiters.add(waiter);
    }
    waiter.timer = vertx.setTimer(wakeTimeout.toMillis(), id -> {
      if (remove(waiter)) {
        waiter.promise.tryFail(new HoldRejected("the GPU is waking up", WAKING, retryAfterSeconds()));
      }
    });
    // Became ready between the check and the add: release now rather than wait for the next change.
    if (readiness.isReady()) {
      release();
    } else {
      readiness.probeNow();
    }
    return waiter;
  }

  public synchronized int pending() {
    return waiters.size();
  }

  /** Seconds until the GPU is expected to serve: the expected wake less the time already spent, at least 5. */
  public long retryAfterSeconds() {
    long elapsed = Duration.between(readiness.since(), clock.instant()).toSeconds();
    return Math.max(5, expectedWake.toSeconds() - Math.max(0, elapsed));
  }

  private synchronized boolean remove(Waiter waiter) {
    return waiters.remove(waiter);
  }

  /**
   * Lets every held request go unforwarded, failing with {@code cause}: the wake they wait for
   * will not come (the GPU budget is used up).
   */
  public void rejectAll(RuntimeException cause) {
    for (Waiter waiter : takeAll()) {
      vertx.cancelTimer(waiter.timer);
      waiter.promise.tryFail(cause);
    }
  }

  private void release() {
    for (Waiter waiter : takeAll()) {
      vertx.cancelTimer(waiter.timer);
      waiter.promise.tryComplete();
    }
  }

  private synchronized List<Waiter> takeAll() {
    List<Waiter> taken = List.copyOf(waiters);
    waiters.clear();
    return taken;
  }
}
