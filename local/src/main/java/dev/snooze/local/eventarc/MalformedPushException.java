package dev.snooze.local.eventarc;

/** A push request the bridge cannot turn into a CloudEvent; answered with a 400. */
final class MalformedPushException extends Exception {
  MalformedPushException(String message) {
    super(message);
  }
}
