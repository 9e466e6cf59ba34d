package dev.snooze.local.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the run command tells what happens: JSON lines for tools, or readable lines for a person at
 * a terminal. Parts log through {@code System.out}/{@code System.err} and child processes through
 * their log files ({@link #logged}); the console decides what the reader sees.
 */
public sealed interface Console permits JsonConsole, ReadableConsole {
  /** What the stack tells once everything answers. */
  record Ready(Map<String, Object> endpoints, Duration startup, Duration idleTimeout, Path logs,
      Map<String, Object> settings) {}

  /** A line a child process (a function, the frontend) appended to its log. */
  void logged(String line);

  /** Everything answers: where to go, and how the GPU is. */
  void ready(Ready ready);

  /** Ctrl-C or SIGTERM: everything is being stopped. */
  void stopping();

  /**
   * Opens the console {@code options} ask for over this process's standard output and error; a
   * readable console takes {@code System.out}/{@code System.err} over, so the parts' own JSON log
   * lines are rendered too.
   */
  static Console open(ConsoleOptions options) {
    return options.resolved() == ConsoleOptions.Format.TEXT ? ReadableConsole.takeOver() : new JsonConsole(System.out);
  }
}
