package dev.snooze.cli.smoke;

import java.time.Duration;

/**
 * How long the smoke gives what should take seconds, within its --timeout, before it says so:
 * Status being unreadable, and the GPU still ASLEEP after the message was published (Eventarc
 * delivers it to Wake in seconds; minutes mean it never will). Shorter in tests.
 */
record Limits(Duration statusGrace, Duration asleepGrace) {
  static final Limits DEFAULT = new Limits(Duration.ofSeconds(60), Duration.ofMinutes(2));
}
