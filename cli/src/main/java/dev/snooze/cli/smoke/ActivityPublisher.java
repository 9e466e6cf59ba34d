package dev.snooze.cli.smoke;

import dev.snooze.activity.ActivityMessage;

/** Publishes one activity message to the deployment's topic (Pub/Sub, its emulator, or a test's fake). */
interface ActivityPublisher {
  /** @return the message's ID */
  String publish(ActivityMessage message) throws SmokeFailure, InterruptedException;

  /** What it publishes to, for the output. */
  String describe();
}
