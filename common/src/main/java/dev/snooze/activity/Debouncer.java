package dev.snooze.activity;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When a frontend publishes activity: the pure rule, over an injected nanosecond clock
 * ({@code System::nanoTime} in production, the simulated clock in the race property).
 *
 * <p>The promise it keeps with the functions' sleep rule: <b>every moment a request begins or ends
 * is covered by a message published at or after it, at most one {@code window} later</b>. The
 * functions sleep only {@code idle timeout + granularity} after the newest message they recorded,
 * and they record every message within the granularity, so the GPU never sleeps earlier than the
 * idle timeout after the last request the frontend saw, however requests come, as long as a
 * message reaches them within {@code idle timeout - window}.
 *
 * <ul>
 *   <li>Leading edge: a request publishes at once if nothing went out in the last {@code window};
 *       at once as well while the backend is asleep (the wake must not wait), but never more than
 *       once per {@code asleepWindow}.
 *   <li>Trailing edge: activity after the last message (a request that was not published, a
 *       request that ended) is covered by one more message when the window since that message
 *       closes ({@link #trailingDue()}, {@link #tryTrailing()}).
 *   <li>Heartbeats: see {@link #tryHeartbeat}; a heartbeat covers what came before it too.
 * </ul>
 *
 * At most two messages per window, heartbeats aside. Lock-free: under any contention exactly one
 * caller wins each message.
 */
public final class Debouncer {
  /** No time: nothing published, or no activity, yet. */
  public static final long NEVER = Long.MIN_VALUE;

  private final long windowNanos;
  private final long asleepWindowNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong lastPublished = new AtomicLong(NEVER);
  private final AtomicLong lastRequestMessage = new AtomicLong(NEVER);
  private final AtomicLong lastActivity = new AtomicLong(NEVER);

  public Debouncer(Duration window, Duration asleepWindow, LongSupplier nanoTime) {
    if (window.isNegative() || asleepWindow.isNegative()) {
      throw new IllegalArgumentException("windows must not be negative");
    }
    this.windowNanos = window.toNanos();
    this.asleepWindowNanos = Math.min(asleepWindow.toNanos(), windowNanos);
    this.nanoTime = nanoTime;
  }

  /** A request begins: true when the caller must publish now; the window then starts again. */
  public boolean onRequest(boolean backendAsleep) {
    long window = backendAsleep ? asleepWindowNanos : windowNanos;
    long now = nanoTime.getAsLong();
    lastActivity.accumulateAndGet(now, Debouncer::later);
    while (true) {
      long last = lastPublished.get();
      if (last != NEVER && now - last < window) {
        return false;
      }
      if (lastPublished.compareAndSet(last, now)) {
        lastRequestMessage.accumulateAndGet(now, Debouncer::later);
        return true;
      }
    }
  }

  /** A request ended: activity the next message must cover. */
  public void onEnd() {
    lastActivity.accumulateAndGet(nanoTime.getAsLong(), Debouncer::later);
  }

  /**
   * When the trailing message is due (on the clock's scale): one window after the last message,
   * or {@link #NEVER} when no activity is left uncovered.
   */
  public long trailingDue() {
    long published = lastPublished.get();
    long activity = lastActivity.get();
    if (activity == NEVER || published != NEVER && activity - published <= 0) {
      return NEVER;
    }
    return published == NEVER ? activity : published + windowNanos;
  }

  /**
   * The trailing message is due: true when the caller must publish it now. False when a message
   * went out since (covering everything before it) or the window since the last one is still
   * open; then ask {@link #trailingDue()} again.
   */
  public boolean tryTrailing() {
    return tryCover(false);
  }

  /** Going away: true when uncovered activity must be published now, window or not. */
  public boolean tryFinal() {
    return tryCover(true);
  }

  private boolean tryCover(boolean evenInsideWindow) {
    long now = nanoTime.getAsLong();
    while (true) {
      long last = lastPublished.get();
      long activity = lastActivity.get();
      if (activity == NEVER || last != NEVER && activity - last <= 0) {
        return false;
      }
      if (!evenInsideWindow && last != NEVER && now - last < windowNanos) {
        return false;
      }
      if (lastPublished.compareAndSet(last, now)) {
        // A request message like the leading one: a heartbeat right after it would say the same.
        lastRequestMessage.accumulateAndGet(now, Debouncer::later);
        return true;
      }
    }
  }

  /**
   * A heartbeat is due (requests are in flight): true unless a request's message went out less
   * than {@code interval} ago, having just reported the same; a heartbeat sent starts the
   * requests' window again and covers the activity before it. Heartbeats are paced by their own
   * schedule, never skipped for one another, so a late tick cannot double the gap between them.
   */
  public boolean tryHeartbeat(Duration interval) {
    long now = nanoTime.getAsLong();
    long request = lastRequestMessage.get();
    if (request != NEVER && now - request < interval.toNanos()) {
      return false;
    }
    lastPublished.accumulateAndGet(now, Debouncer::later);
    return true;
  }

  private static long later(long last, long next) {
    return last == NEVER || next - last > 0 ? next : last;
  }
}
