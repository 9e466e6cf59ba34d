package dev.snooze.cli.plan;

import java.io.PrintStream;

/** {@code snooze plan}. */
public final class PlanCommand {
  private PlanCommand() {}

  /** @return the exit code: 0 done, 1 failed, 2 bad usage */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    err.println("snooze plan: not built yet");
    return 1;
  }
}
