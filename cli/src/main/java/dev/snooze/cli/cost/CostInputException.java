package dev.snooze.cli.cost;

/** Input {@code snooze cost} cannot price (a file, a setting, a missing price): said as the message, exit code 2. */
final class CostInputException extends Exception {
  CostInputException(String message) {
    super(message);
  }
}
