package dev.snooze.cli.smoke;

/** The command line is wrong (exit 2); the message names the option. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message);
  }
}
