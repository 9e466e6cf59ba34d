package dev.snooze.functions.race;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.activity.Debouncer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The frontend as the race sees it: user requests begin and end, its real {@link Debouncer} decides
 * what it publishes, and its two timers fire as {@code PubsubActivity}'s do: the heartbeat every
 * {@link #HEARTBEAT} while requests are in flight, and the trailing message when the debounce window
 * closes over activity no message covers. It records every moment a request began or ended, and
 * every message it published, for the checks.
 */
final class Frontend {
  /** Production's 30 s window and heartbeat against a 15 min idle timeout, compressed like the policy. */
  static final Duration WINDOW = Duration.ofSeconds(20);
  static final Duration ASLEEP_WINDOW = Duration.ofSeconds(1);
  static final Duration HEARTBEAT = Duration.ofSeconds(20);

  /** One message the frontend published, and why. */
  record Published(Instant at, String messageId, String why) {}

  private final ManualClock clock;
  private final Debouncer debouncer;
  /** Publishes (kind, inFlight) to the topic now; answers the message id. */
  private final BiFunction<ActivityMessage.Kind, Integer, String> topic;
  private final List<Instant> activity = new ArrayList<>();
  private final List<Published> published = new ArrayList<>();
  private int inFlight;
  private Instant heartbeatAt; // null: no heartbeat scheduled
  private Instant trailingAt; // null: no trailing message scheduled

  Frontend(ManualClock clock, BiFunction<ActivityMessage.Kind, Integer, String> topic) {
    this.clock = clock;
    this.topic = topic;
    this.debouncer = new Debouncer(WINDOW, ASLEEP_WINDOW,
        () -> Duration.between(Simulation.START, clock.instant()).toNanos());
  }

  /** A user request begins; the frontend knows whether the backend serves. */
  void begin(boolean backendAsleep) {
    activity.add(clock.instant());
    inFlight++;
    boolean publish = debouncer.onRequest(backendAsleep, inFlight);
    if (inFlight == 1) {
      heartbeatAt = clock.instant().plus(HEARTBEAT);
    }
    if (publish) {
      publish(ActivityMessage.Kind.REQUEST, "leading");
    } else {
      scheduleTrailing();
    }
  }

  /** The oldest request in flight ends; false when none is. */
  boolean end() {
    if (inFlight == 0) {
      return false;
    }
    activity.add(clock.instant());
    inFlight--;
    if (inFlight == 0) {
      heartbeatAt = null;
    }
    debouncer.onEnd();
    scheduleTrailing();
    return true;
  }

  int inFlight() {
    return inFlight;
  }

  /** When a timer fires next, or null when none is set. */
  Instant nextTimer() {
    if (heartbeatAt == null) {
      return trailingAt;
    }
    return trailingAt == null || heartbeatAt.isBefore(trailingAt) ? heartbeatAt : trailingAt;
  }

  /** Fires the timers due now: the heartbeat first when both are, as it was scheduled first. */
  void fireDue() {
    Instant now = clock.instant();
    if (heartbeatAt != null && !heartbeatAt.isAfter(now)) {
      heartbeatAt = heartbeatAt.plus(HEARTBEAT);
      if (debouncer.tryHeartbeat(HEARTBEAT, inFlight)) {
        publish(ActivityMessage.Kind.HEARTBEAT, "heartbeat");
      }
    }
    if (trailingAt != null && !trailingAt.isAfter(now)) {
      trailingAt = null;
      if (debouncer.tryTrailing(inFlight)) {
        publish(ActivityMessage.Kind.REQUEST, "trailing");
      } else {
        scheduleTrailing();
      }
    }
  }

  /** As PubsubActivity: a timer for the trailing message, moved earlier when a rise makes it due sooner. */
  private void scheduleTrailing() {
    long due = debouncer.trailingDue(inFlight);
    if (due == Debouncer.NEVER) {
      return;
    }
    Instant at = Simulation.START.plusNanos(due);
    at = at.isBefore(clock.instant()) ? clock.instant() : at;
    if (trailingAt == null || at.isBefore(trailingAt)) {
      trailingAt = at;
    }
  }

  private void publish(ActivityMessage.Kind kind, String why) {
    published.add(new Published(clock.instant(), topic.apply(kind, inFlight), why));
  }

  /** Every moment a request began or ended. */
  List<Instant> activity() {
    return activity;
  }

  /** The first message published at or after {@code moment}: the one that tells the functions of it. */
  Optional<Published> covering(Instant moment) {
    return published.stream().filter(p -> !p.at().isBefore(moment)).findFirst();
  }

  /** Moments more than a window old that no message published within the window covers. */
  List<String> uncovered() {
    Instant now = clock.instant();
    List<String> problems = new ArrayList<>();
    for (Instant moment : activity) {
      if (now.isAfter(moment.plus(WINDOW))) {
        Optional<Published> cover = covering(moment);
        if (cover.isEmpty() || cover.get().at().isAfter(moment.plus(WINDOW))) {
          problems.add("a request began or ended at " + Simulation.at(moment) + " and the frontend published "
              + cover.map(p -> "nothing about it until " + p.messageId() + " at " + Simulation.at(p.at()))
                  .orElse("nothing about it")
              + ", more than its window " + WINDOW + " later");
        }
      }
    }
    return problems;
  }
}
