package dev.snooze.cli.plan;

import dev.snooze.activity.ActivityMessage.Kind;
import dev.snooze.activity.Debouncer;
import java.time.Duration;

/**
 * The frontend's activity publishing on the simulated clock: its own {@link Debouncer} decides what
 * goes out, and its two timers fire as {@code PubsubActivity}'s do: a heartbeat every
 * {@code heartbeatInterval} while requests are in flight (from the moment the first began), and the
 * trailing message when the debounce window closes over activity no message covers. So the
 * functions are told of the requests exactly what a deployed frontend would tell them.
 *
 * <p>Intents (a page opened) are not in request logs, and are not modelled.
 */
final class FrontendModel {
  /** No timer set. */
  static final long NONE = Long.MAX_VALUE;

  /** Where messages go: the functions, at once (Pub/Sub's delivery, tens of milliseconds, is left out). */
  interface Topic {
    void publish(Kind kind, int inFlight);
  }

  /**
   * The frontend's settings that shape its messages.
   *
   * @param debounce {@code SNOOZE_ACTIVITY_DEBOUNCE}
   * @param asleepWindow {@code PubsubActivity.ASLEEP_WINDOW}
   * @param heartbeat {@code SNOOZE_HEARTBEAT_INTERVAL}
   * @param holdTimeout {@code SNOOZE_WAKE_TIMEOUT}: a request held longer while the GPU wakes gets a 503
   */
  record Settings(Duration debounce, Duration asleepWindow, Duration heartbeat, Duration holdTimeout) {
    /** The frontend's defaults (FrontendConfig, PubsubActivity), checked against them by a test. */
    static final Settings DEFAULTS = new Settings(Duration.ofSeconds(30), Duration.ofSeconds(1),
        Duration.ofSeconds(30), Duration.ofMinutes(10));
  }

  private final Debouncer debouncer;
  private final Duration heartbeat;
  private final long heartbeatMillis;
  private final long origin;
  private final Topic topic;
  private long now;
  private int inFlight;
  private long heartbeatAt = NONE;
  private long trailingAt = NONE;

  /** @param origin an epoch millisecond before any request: the debouncer's clock counts nanoseconds from it */
  FrontendModel(Settings settings, long origin, Topic topic) {
    this.origin = origin;
    this.topic = topic;
    this.heartbeat = settings.heartbeat();
    this.heartbeatMillis = settings.heartbeat().toMillis();
    this.debouncer = new Debouncer(settings.debounce(), settings.asleepWindow(), () -> (now - origin) * 1_000_000L);
  }

  /** A request reaches the frontend at {@code at}, which knows whether the GPU serves. */
  void begin(long at, boolean backendAsleep) {
    now = at;
    inFlight++;
    boolean publish = debouncer.onRequest(backendAsleep, inFlight);
    if (inFlight == 1) {
      heartbeatAt = at + heartbeatMillis;
    }
    if (publish) {
      topic.publish(Kind.REQUEST, inFlight);
    } else {
      scheduleTrailing();
    }
  }

  /** A request ends at {@code at} (answered, or a 503 after the hold). */
  void end(long at) {
    now = at;
    inFlight--;
    if (inFlight == 0) {
      heartbeatAt = NONE;
    }
    debouncer.onEnd();
    scheduleTrailing();
  }

  /** When a timer fires next, or {@link #NONE}. */
  long nextTimer() {
    return Math.min(heartbeatAt, trailingAt);
  }

  /** Fires the timers due at {@code at}: the heartbeat first when both are, as it was scheduled first. */
  void fireDue(long at) {
    now = at;
    if (heartbeatAt <= at) {
      heartbeatAt += heartbeatMillis;
      if (debouncer.tryHeartbeat(heartbeat, inFlight)) {
        topic.publish(Kind.HEARTBEAT, inFlight);
      }
    }
    if (trailingAt <= at) {
      trailingAt = NONE;
      if (debouncer.tryTrailing(inFlight)) {
        topic.publish(Kind.REQUEST, inFlight);
      } else {
        scheduleTrailing();
      }
    }
  }

  int inFlight() {
    return inFlight;
  }

  /** As PubsubActivity: a timer for the trailing message, moved earlier when a rise makes it due sooner. */
  private void scheduleTrailing() {
    long due = debouncer.trailingDue(inFlight);
    if (due == Debouncer.NEVER) {
      return;
    }
    trailingAt = Math.min(trailingAt, Math.max(now, origin + due / 1_000_000L));
  }
}
