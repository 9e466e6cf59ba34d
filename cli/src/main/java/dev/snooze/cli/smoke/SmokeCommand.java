package dev.snooze.cli.smoke;

import java.io.PrintStream;

/** {@code snooze smoke}. */
public final class SmokeCommand {
  private SmokeCommand() {}

  /** @return the exit code: 0 done, 1 failed, 2 bad usage */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    err.println("snooze smoke: not built yet");
    return 1;
  }
}
