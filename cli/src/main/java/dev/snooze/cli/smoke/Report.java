package dev.snooze.cli.smoke;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The smoke's output: one line per step as it completes, each with the time since the smoke began,
 * so that a slow step stands out; flushed at once, since a real cold start takes minutes.
 */
final class Report {
  private static final int NAME_WIDTH = 20;
  private static final int QUOTED = 80;

  private final PrintStream out;
  private final long startNanos = System.nanoTime();

  Report(PrintStream out) {
    this.out = out;
  }

  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** The time since the smoke began at {@code nanos}. */
  Duration at(long nanos) {
    return Duration.ofNanos(nanos - startNanos);
  }

  void line(String text) {
    out.println(text);
    out.flush();
  }

  /** {@code name  12.3 s  detail}. */
  void step(String name, String detail) {
    String time = seconds(elapsed());
    line(String.format(Locale.ROOT, "%-" + NAME_WIDTH + "s %9s%s", name, time,
        detail == null || detail.isEmpty() ? "" : "  " + detail));
  }

  void note(String text) {
    line("  note: " + text);
  }

  /** {@code 182.4 s}. */
  static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  /** Text quoted on one line, at most {@value #QUOTED} characters of it: enough to see it is an answer. */
  static String quote(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return "\"" + (line.length() <= QUOTED ? line : line.substring(0, QUOTED) + "…") + "\"";
  }
}
