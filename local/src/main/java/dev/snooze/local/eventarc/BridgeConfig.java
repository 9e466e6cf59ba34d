package dev.snooze.local.eventarc;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How the bridge subscribes and calls functions.
 *
 * <p>Measured on the Pub/Sub emulator (google-cloud-cli 528): after a non-2xx push answer the
 * message is pushed again about 1 s later, and again every ~1 s until a 2xx, whatever the ack
 * deadline (10 s and 60 s behaved the same). A push still unanswered when the ack deadline
 * passes is pushed again in parallel, and a 2xx that arrives after the deadline no longer acks
 * it: a function slower than the deadline would be called forever. Hence the defaults: a
 * 600 s ack deadline, as Eventarc's own subscriptions use, and a function timeout of 540 s (the
 * Cloud Functions gen2 maximum for event-driven functions), safely under the deadline, after
 * which the bridge answers 504 so that the emulator redelivers.
 *
 * @param region only used in subscription names, as Eventarc does
 * @param ackDeadline the push subscriptions' ack deadline, 10 s to 600 s
 * @param functionTimeout how long one function call may take; shorter than the ack deadline
 */
public record BridgeConfig(String region, Duration ackDeadline, Duration functionTimeout) {
  private static final Pattern REGION = Pattern.compile("[a-z][a-z0-9-]{0,30}");

  public static BridgeConfig defaults() {
    return new BridgeConfig("local", Duration.ofSeconds(600), Duration.ofSeconds(540));
  }

  public BridgeConfig {
    if (region == null || !REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("region must be lowercase letters, digits and hyphens, got \"" + region + "\"");
    }
    if (ackDeadline == null || ackDeadline.compareTo(Duration.ofSeconds(10)) < 0
        || ackDeadline.compareTo(Duration.ofSeconds(600)) > 0) {
      throw new IllegalArgumentException("ackDeadline must be within 10 s..600 s as in Pub/Sub, got " + ackDeadline);
    }
    if (functionTimeout == null || functionTimeout.isNegative() || functionTimeout.isZero()
        || functionTimeout.compareTo(ackDeadline) >= 0) {
      throw new IllegalArgumentException(
          "functionTimeout must be positive and shorter than the ack deadline (" + ackDeadline
              + "), or a slow function would be redelivered while it runs; got " + functionTimeout);
    }
  }
}
