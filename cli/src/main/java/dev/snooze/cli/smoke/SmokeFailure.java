package dev.snooze.cli.smoke;

/**
 * A step of the smoke failed: {@code step} names it (token, status, publish, wake, model, prompt,
 * first token, answer) and the message says what was seen, never a token.
 */
final class SmokeFailure extends Exception {
  private final String step;

  SmokeFailure(String step, String message) {
    super(message);
    this.step = step;
  }

  SmokeFailure(String step, String message, Throwable cause) {
    super(message, cause);
    this.step = step;
  }

  String step() {
    return step;
  }
}
