package dev.snooze.functions.activity;

import java.time.Instant;
import java.util.Objects;

/**
 * One activity message: any message on the activity topic counts as activity at its publish
 * time, so anyone (an integration test, a script) can wake the GPU by publishing. The JSON body
 * only adds detail; see {@link ActivityMessages} for the schema.
 *
 * @param inFlight requests in flight at the sender (heartbeats), or null when not reported
 */
public record Activity(
    String messageId, Instant publishTime, String source, Kind kind, Integer inFlight) {

  public enum Kind { REQUEST, HEARTBEAT, UNSPECIFIED }

  public Activity {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(publishTime, "publishTime");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
  }
}
