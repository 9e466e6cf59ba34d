package dev.snooze.bench.wake;

import com.google.cloud.functions.CloudEventsFunction;
import dev.snooze.logging.JsonLog;
import io.cloudevents.CloudEvent;
import java.time.Instant;

/**
 * P1's baseline: a function that does nothing but note when each event arrived. It runs where
 * Wake runs (its own JVM under the Functions Framework's invoker, the same JVM flags), fed by the
 * same Eventarc bridge from the same topic, so the time to reach it is the delivery path alone.
 */
public final class NoOpFunction implements CloudEventsFunction {
  static final String RECEIVED = "event received";
  private static final JsonLog LOG = JsonLog.forComponent("noop");

  @Override
  public void accept(CloudEvent event) {
    Instant received = Instant.now();
    LOG.info(RECEIVED,
        "messageId", String.valueOf(event.getId()),
        "publishTime", String.valueOf(event.getTime() == null ? null : event.getTime().toInstant()),
        "receivedAt", received.toString());
  }
}
