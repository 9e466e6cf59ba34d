package dev.snooze.frontend.activity;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * A {@link Scheduler} on a fake clock: {@link #execute} tasks wait for {@link #runPending()}
 * (or run at once in direct mode) and timed tasks (repeating or once) run when {@link #advance}
 * passes their time, in the order of their times.
 */
public final class ManualScheduler implements Scheduler {
  private volatile long now = 1_000_000_000L;
  private final boolean direct;
  private final Deque<Runnable> pending = new ArrayDeque<>();
  private final List<Periodic> periodic = new ArrayList<>();

  /** @param direct whether {@link #execute} runs tasks at once, on the caller's thread */
  public ManualScheduler(boolean direct) {
    this.direct = direct;
  }

  /** A timed task; a period of 0 runs once. */
  private final class Periodic implements Cancellable {
    final long period;
    final Runnable task;
    long due;
    volatile boolean cancelled;

    Periodic(long period, long delay, Runnable task) {
      this.period = period;
      this.task = task;
      this.due = now + delay;
    }

    @Override
    public void cancel() {
      cancelled = true;
      synchronized (ManualScheduler.this) {
        periodic.remove(this);
      }
    }
  }

  @Override
  public void execute(Runnable task) {
    if (direct) {
      task.run();
    } else {
      synchronized (this) {
        pending.add(task);
      }
    }
  }

  @Override
  public synchronized Cancellable every(Duration period, Runnable task) {
    Periodic p = new Periodic(period.toNanos(), period.toNanos(), task);
    periodic.add(p);
    return p;
  }

  @Override
  public synchronized Cancellable after(Duration delay, Runnable task) {
    Periodic once = new Periodic(0, delay.toNanos(), task);
    periodic.add(once);
    return once;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Runs the queued one-off tasks; returns how many ran. */
  int runPending() {
    int ran = 0;
    while (true) {
      Runnable task;
      synchronized (this) {
        task = pending.poll();
      }
      if (task == null) {
        return ran;
      }
      task.run();
      ran++;
    }
  }

  synchronized int pendingCount() {
    return pending.size();
  }

  synchronized int repeatingCount() {
    return (int) periodic.stream().filter(p -> p.period > 0).count();
  }

  /** Moves the clock forward without running anything. */
  void advanceClockOnly(Duration duration) {
    now += duration.toNanos();
  }

  /** Moves the clock forward, running each repeating task at its due times, then the pending ones. */
  void advance(Duration duration) {
    long target = now + duration.toNanos();
    while (true) {
      Periodic next;
      synchronized (this) {
        next = periodic.stream().filter(p -> p.due <= target).min(Comparator.comparingLong(p -> p.due)).orElse(null);
      }
      if (next == null) {
        break;
      }
      now = next.due;
      if (next.period == 0) {
        synchronized (this) {
          periodic.remove(next);
        }
      }
      next.due += next.period;
      if (!next.cancelled) {
        next.task.run();
      }
      runPending();
    }
    now = target;
    runPending();
  }
}
