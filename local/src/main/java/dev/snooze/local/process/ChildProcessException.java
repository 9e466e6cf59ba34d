package dev.snooze.local.process;

/** A child process could not be launched or did not get ready; the message has its log's tail. */
public final class ChildProcessException extends RuntimeException {
  public ChildProcessException(String message) {
    super(message);
  }

  public ChildProcessException(String message, Throwable cause) {
    super(message, cause);
  }
}
