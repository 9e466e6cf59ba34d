package dev.snooze.frontend.activity;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task repeatedly (the heartbeat), single tasks soon (publishing) or later (the trailing message). Production wraps a
 * {@link ScheduledExecutorService}; unit tests use a manual scheduler driven by a fake clock.
 */
public interface Scheduler {

  /** Runs {@code task} soon, off the caller's thread. */
  void execute(Runnable task);

  /** Runs {@code task} every {@code period}, the first time one period from now. */
  Cancellable every(Duration period, Runnable task);

  /** Runs {@code task} once, {@code delay} from now. */
  Cancellable after(Duration delay, Runnable task);

  /** Now in nanoseconds, on this scheduler's clock. */
  long nanoTime();

  /** A repeating task; cancelling twice is harmless. */
  interface Cancellable {
    void cancel();
  }

  static Scheduler of(ScheduledExecutorService executor) {
    return new Scheduler() {
      @Override
      public void execute(Runnable task) {
        executor.execute(task);
      }

      @Override
      public Cancellable every(Duration period, Runnable task) {
        long nanos = period.toNanos();
        var future = executor.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
      }

      @Override
      public Cancellable after(Duration delay, Runnable task) {
        var future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
      }

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }
    };
  }
}
