package dev.snooze.activity;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 *   <li>Surge (Knative's panic rule): a request publishes at once, window or not, when the requests
 *       in flight have reached at least twice what the last message reported, and at least 2. The
 *       functions size the GPU group on the counts they are told: a burst of 20 prompts must not
 *       read as 1 for a whole window. A step from 1 to 20 publishes at 2, 4, 8 and 16 (one message
 *       per doubling), and the trailing edge reports the rest one short window later (below).
 *   <li>Trailing edge: activity after the last message (a request that was not published, a
 *       request that ended) is covered by one more message when the window since that message
 *       closes ({@link #trailingDue}, {@link #tryTrailing}); when the requests in flight are more
 *       than it reported (a rise short of a doubling: 6 after a message saying 4), when the short
 *       window ({@code asleepWindow}) closes, so that the functions hear of the VM it may need
 *       within a second, not a window.
 *   <li>Heartbeats: see {@link #tryHeartbeat}; a heartbeat covers what came before it too.
 * </ul>
 *
 * Every message says how many requests are in flight; each decision that lets one go out is told
 * that count and records it, so that the surge rule compares with what the functions were told
 * last. Surges only add messages, so the promise holds as before. At most two messages per window,
 * heartbeats and surges aside (one per doubling of the requests in flight since the last message).
 * Lock-free: under any contention exactly one caller wins each message.
 */
public final class Debouncer {
  /** No time: nothing published, or no activity, yet. */
  public static final long NEVER = Long.MIN_VALUE;

  /**
   * The last message: when it went out and the requests in flight it reported. One reference, so
   * that a message's time and count are won together, or not at all.
   */
  private record Published(long at, int inFlight) {}

  private static final Published NOTHING = new Published(NEVER, 0);

  private final long windowNanos;
  private final long asleepWindowNanos;
  private final LongSupplier nanoTime;
  private final AtomicReference<Published> lastPublished = new AtomicReference<>(NOTHING);
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

  /**
   * A request begins: true when the caller must publish now; the window then starts again.
   *
   * @param inFlight the requests in flight now, this one included: the count the message must carry
   */
  public boolean onRequest(boolean backendAsleep, int inFlight) {
    long window = backendAsleep ? asleepWindowNanos : windowNanos;
    long now = nanoTime.getAsLong();
    lastActivity.accumulateAndGet(now, Debouncer::later);
    while (true) {
      Published last = lastPublished.get();
      if (last.at() != NEVER && now - last.at() < window && !surge(inFlight, last.inFlight())) {
        return false;
      }
      if (lastPublished.compareAndSet(last, new Published(now, inFlight))) {
        lastRequestMessage.accumulateAndGet(now, Debouncer::later);
        return true;
      }
    }
  }

  /** The requests in flight have doubled since the functions were last told (from 1, 2 is a surge). */
  private static boolean surge(int inFlight, int reported) {
    return inFlight >= 2 && inFlight >= 2L * reported;
  }

  /** A request ended: activity the next message must cover. */
  public void onEnd() {
    lastActivity.accumulateAndGet(nanoTime.getAsLong(), Debouncer::later);
  }

  /** The requests in flight the last message reported (0 before any). */
  public int reported() {
    return lastPublished.get().inFlight();
  }

  /**
   * When the trailing message is due (on the clock's scale), with {@code inFlight} requests in
   * flight now: one window after the last message, or one short window after it when more are in
   * flight than it reported; {@link #NEVER} when no activity is left uncovered.
   */
  public long trailingDue(int inFlight) {
    Published last = lastPublished.get();
    long activity = lastActivity.get();
    if (activity == NEVER || last.at() != NEVER && activity - last.at() <= 0) {
      return NEVER;
    }
    return last.at() == NEVER ? activity : last.at() + window(last, inFlight);
  }

  /** The window after {@code last} for a message reporting {@code inFlight}: short for a rise it did not report. */
  private long window(Published last, int inFlight) {
    return inFlight > last.inFlight() ? asleepWindowNanos : windowNanos;
  }

  /**
   * The trailing message is due: true when the caller must publish it now, reporting
   * {@code inFlight}. False when a message went out since (covering everything before it) or the
   * window since the last one is still open; then ask {@link #trailingDue} again.
   */
  public boolean tryTrailing(int inFlight) {
    return tryCover(false, inFlight);
  }

  /** Going away: true when uncovered activity must be published now, reporting {@code inFlight}, window or not. */
  public boolean tryFinal(int inFlight) {
    return tryCover(true, inFlight);
  }

  private boolean tryCover(boolean evenInsideWindow, int inFlight) {
    long now = nanoTime.getAsLong();
    while (true) {
      Published last = lastPublished.get();
      long activity = lastActivity.get();
      if (activity == NEVER || last.at() != NEVER && activity - last.at() <= 0) {
        return false;
      }
      if (!evenInsideWindow && last.at() != NEVER && now - last.at() < window(last, inFlight)) {
        return false;
      }
      if (lastPublished.compareAndSet(last, new Published(now, inFlight))) {
        // A request message like the leading one: a heartbeat right after it would say the same.
        lastRequestMessage.accumulateAndGet(now, Debouncer::later);
        return true;
      }
    }
  }

  /**
   * A heartbeat is due (requests are in flight): true unless a request's message went out less
   * than {@code interval} ago, having just reported the same; a heartbeat sent, reporting
   * {@code inFlight}, starts the requests' window again and covers the activity before it.
   * Heartbeats are paced by their own schedule, never skipped for one another, so a late tick
   * cannot double the gap between them.
   */
  public boolean tryHeartbeat(Duration interval, int inFlight) {
    long now = nanoTime.getAsLong();
    long request = lastRequestMessage.get();
    if (request != NEVER && now - request < interval.toNanos()) {
      return false;
    }
    // A message timed after this one (a request's, racing it) stays the last, with its count.
    lastPublished.updateAndGet(last -> last.at() == NEVER || now - last.at() > 0 ? new Published(now, inFlight) : last);
    return true;
  }

  private static long later(long last, long next) {
    return last == NEVER || next - last > 0 ? next : last;
  }
}
