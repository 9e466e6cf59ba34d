package dev.snooze.functions.race;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One function invocation (a Wake for one delivery, or a Sleep tick) that the schedule runs a
 * piece at a time, so that invocations interleave as concurrent Cloud Functions instances do,
 * deterministically and on one thread.
 *
 * <p>It runs its body (a call into the real Controller) until the body reaches a {@link
 * #yieldPoint}, where it stops by unwinding. To go on, it runs the body again from the start:
 * every {@link #interact interaction} with the world (clock, ids, store, Compute) that happened
 * before is answered from this invocation's log instead of being done again, so the body, a
 * deterministic function of those answers, retraces its steps to the yield point and then goes
 * on live. (The Controller's log lines are printed again on each retrace: {@link QuietConsole}.)
 */
final class Invocation {
  private static final Object PASSED = new Object();

  final String name;
  private final Function<Invocation, Object> body;
  private final List<Object> log = new ArrayList<>();
  private int cursor;
  private String waitingAt;
  private boolean done;
  private Object result;
  private Throwable failure;

  /** How a failure an interaction threw is kept, to be thrown again on a retrace. */
  private record Thrown(RuntimeException failure) {}

  /** Unwinds the body at a yield point; an Error, so that no Controller catch takes it. */
  private static final class Stopped extends Error {
    static final Stopped INSTANCE = new Stopped();

    private Stopped() {
      super("stopped at a yield point", null, false, false);
    }
  }

  /** {@code body} receives this invocation, to build its views of the world on. */
  Invocation(String name, Function<Invocation, Object> body) {
    this.name = name;
    this.body = body;
  }

  /** Runs to the next yield point or to the end. */
  void resume() {
    if (done) {
      throw new IllegalStateException(name + " has ended");
    }
    cursor = 0;
    waitingAt = null;
    try {
      result = body.apply(this);
      done = true;
    } catch (Stopped stopped) {
      // Waits at waitingAt.
    } catch (RuntimeException | Error e) {
      failure = e;
      done = true;
    }
  }

  /** Does {@code live} once; on every retrace, answers what it answered (or throws what it threw). */
  @SuppressWarnings("unchecked")
  <T> T interact(Supplier<T> live) {
    if (cursor < log.size()) {
      Object logged = log.get(cursor++);
      if (logged instanceof Thrown thrown) {
        throw thrown.failure();
      }
      return (T) logged;
    }
    T value;
    try {
      value = live.get();
    } catch (RuntimeException e) {
      log.add(new Thrown(e));
      cursor++;
      throw e;
    }
    log.add(value);
    cursor++;
    return value;
  }

  /** Where another invocation may act: stops here the first time, passes on every retrace. */
  void yieldPoint(String where) {
    if (cursor < log.size()) {
      cursor++;
      return;
    }
    log.add(PASSED);
    cursor++;
    waitingAt = where;
    throw Stopped.INSTANCE;
  }

  /** The world's clock, read through this invocation's log. */
  Clock clock(Clock world) {
    Invocation self = this;
    return new Clock() {
      @Override
      public Instant instant() {
        return self.interact(world::instant);
      }

      @Override
      public ZoneId getZone() {
        return world.getZone();
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };
  }

  boolean done() {
    return done;
  }

  String waitingAt() {
    return waitingAt;
  }

  Object result() {
    return result;
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public String toString() {
    return name;
  }
}
