package dev.snooze.functions.activity;

import dev.snooze.activity.ActivityMessage.Kind;
import java.time.Instant;
import java.util.Objects;

/**
 * One activity message as Wake received it: any message on the activity topic counts as activity
 * at its publish time, so anyone (an integration test, a script) can wake the GPU by publishing.
 * The body only adds detail ({@link ActivityMessage}, the format the frontend writes).
 *
 * @param inFlight requests in flight at the sender, or null when not reported
 */
public record Activity(
    String messageId, Instant publishTime, String source, Kind kind, Integer inFlight) {

  public Activity {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(publishTime, "publishTime");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
  }
}
