package dev.snooze.cli.plan;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A line on stderr every second while a plan runs, saying what it is doing; nothing for a plan
 * that takes less than a second, and nothing at all when quiet. Lines rather than a rewritten one,
 * so that a log of the run reads as well as a terminal.
 */
final class Progress implements AutoCloseable {
  private final PrintStream err;
  private final long started = System.nanoTime();
  private final ScheduledExecutorService ticker;
  private volatile Supplier<String> status = () -> "starting";

  Progress(PrintStream err, boolean enabled) {
    this.err = err;
    if (enabled) {
      ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "snooze-plan-progress");
        thread.setDaemon(true);
        return thread;
      });
      ticker.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
    } else {
      ticker = null;
    }
  }

  /** What the next lines say, asked anew each second. */
  void show(Supplier<String> next) {
    status = next;
  }

  private void print() {
    err.println(String.format(Locale.ROOT, "snooze plan: %s (%.1f s)", status.get(), elapsed()));
  }

  /** Seconds since the plan started. */
  double elapsed() {
    return (System.nanoTime() - started) / 1e9;
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      try {
        ticker.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
