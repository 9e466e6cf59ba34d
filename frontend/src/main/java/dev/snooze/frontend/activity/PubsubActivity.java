package dev.snooze.frontend.activity;

import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.pubsub.v1.TopicName;
import dev.snooze.activity.ActivityMessage;
import dev.snooze.activity.Debouncer;
import dev.snooze.frontend.config.ActivitySettings;
import dev.snooze.logging.JsonLog;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Activity to Pub/Sub, paced by {@link Debouncer}: a {@code request} message when user requests
 * begin (at once while the backend is asleep, or when the requests in flight have doubled since the
 * last message's count, so that a burst reaches the functions' scaling at once; else at most one
 * per debounce window), one more when the window closes over requests it did not report (begun or
 * ended since), and a {@code heartbeat}
 * every {@code heartbeatInterval} while any request is in flight, unless a request's message went
 * out within that interval. So every moment a request begins or ends is covered by a message at
 * most one window later, and the GPU never sleeps earlier than the idle timeout after it. An
 * {@code intent} (the page opened, typing began) goes out at most once per debounce window, paced
 * apart from requests so that it neither delays nor stands in for a request's message.
 * {@link #begin} never blocks and never throws: messages go through a bounded queue to one
 * background thread; when the queue is full they are dropped and counted.
 */
public final class PubsubActivity implements ActivitySignal, AutoCloseable {
  /** While the backend is asleep, at most one immediate message per this window. */
  public static final Duration ASLEEP_WINDOW = Duration.ofSeconds(1);
  /** Drop and failure warnings: at most one line per this interval each. */
  public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private static final InFlight NOTHING = () -> {};

  /** What {@link PubsubActivity} needs from the frontend's configuration. */
  public record Settings(
      String source,
      Duration debounce,
      Duration asleepWindow,
      Duration heartbeatInterval,
      int queueCapacity,
      Duration closeTimeout) {
    public Settings {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
      }
      if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
        throw new IllegalArgumentException("heartbeatInterval must be positive, got " + heartbeatInterval);
      }
    }

    public static Settings from(ActivitySettings activity) {
      return new Settings(activity.instanceId(), activity.debounce(), ASLEEP_WINDOW,
          activity.heartbeatInterval(), activity.queue(), CLOSE_TIMEOUT);
    }
  }

  private final Settings settings;
  private final ActivitySink sink;
  private final Scheduler scheduler;
  private final ScheduledThreadPoolExecutor ownedExecutor;
  private final JsonLog log;
  private final Debouncer debouncer;
  private final BlockingQueue<ActivityMessage> queue;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedSinceLog = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong failedSinceLog = new AtomicLong();
  private final RateLimit dropLog;
  private final RateLimit failureLog;
  private final RateLimit intents;
  private final Object heartbeatLock = new Object();
  private Scheduler.Cancellable heartbeat; // guarded by heartbeatLock
  private final Object trailingLock = new Object();
  /** When the trailing timer set fires (the scheduler's nanoTime), or {@link Debouncer#NEVER}: none is set. */
  private long trailingScheduled = Debouncer.NEVER; // guarded by trailingLock

  /** For tests: an injected sink, scheduler (and so clock) and log. */
  public PubsubActivity(Settings settings, ActivitySink sink, Scheduler scheduler, JsonLog log) {
    this(settings, sink, scheduler, null, log);
  }

  private PubsubActivity(Settings settings, ActivitySink sink, Scheduler scheduler,
      ScheduledThreadPoolExecutor ownedExecutor, JsonLog log) {
    this.settings = settings;
    this.sink = sink;
    this.scheduler = scheduler;
    this.ownedExecutor = ownedExecutor;
    this.log = log;
    this.debouncer = new Debouncer(settings.debounce(), settings.asleepWindow(), scheduler::nanoTime);
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.dropLog = new RateLimit(LOG_INTERVAL, scheduler::nanoTime);
    this.failureLog = new RateLimit(LOG_INTERVAL, scheduler::nanoTime);
    // The debounce window, as for requests: Wake ignores an intent while the GPU is wanted, so a
    // second one within the window could only wake a GPU that went to sleep in between.
    this.intents = new RateLimit(settings.debounce(), scheduler::nanoTime);
  }

  /** Production: the real Publisher (emulator when configured) and one daemon thread. */
  public static PubsubActivity start(ActivitySettings activity) {
    return start(Settings.from(activity), activity.project(), activity.topic(), activity.pubsubEmulatorHost(),
        JsonLog.forComponent("activity"));
  }

  public static PubsubActivity start(
      Settings settings, String project, String topic, String emulatorHost, JsonLog log) {
    ActivitySink sink = new PubsubSink(PublisherFactory.create(project, topic, emulatorHost));
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "snooze-activity");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    log.info("Activity is published to Pub/Sub", "topic", TopicName.of(project, topic), "emulator", emulatorHost,
        "debounceSeconds", settings.debounce().toMillis() / 1000.0,
        "heartbeatSeconds", settings.heartbeatInterval().toMillis() / 1000.0, "queue", settings.queueCapacity());
    return new PubsubActivity(settings, sink, Scheduler.of(executor), executor, log);
  }

  @Override
  public InFlight begin(boolean backendAsleep) {
    if (closed.get()) {
      return NOTHING;
    }
    try {
      int now = inFlight.incrementAndGet();
      boolean publish = debouncer.onRequest(backendAsleep, now);
      // Scheduled after the request's message is timed, so the first heartbeat, one interval
      // later, is not taken for one due too soon after it.
      if (now == 1) {
        ensureHeartbeat();
      }
      if (publish) {
        enqueue(ActivityMessage.request(settings.source(), now));
      } else {
        scheduleTrailing();
      }
      return new Request();
    } catch (RuntimeException e) {
      // Never fail the user's request for activity's sake.
      warnFailure("Activity signal failed", ActivityMessage.Kind.REQUEST, e);
      return NOTHING;
    }
  }

  @Override
  public boolean intent() {
    if (closed.get()) {
      return false;
    }
    try {
      // Not the Debouncer: an intent must not take the place of the next request's message, nor
      // be covered by a trailing one, nor count in flight.
      if (!intents.tryAcquire()) {
        return false;
      }
      enqueue(ActivityMessage.intent(settings.source()));
      return true;
    } catch (RuntimeException e) {
      warnFailure("Activity signal failed", ActivityMessage.Kind.INTENT, e);
      return false;
    }
  }

  private final class Request implements InFlight {
    private final AtomicBoolean ended = new AtomicBoolean();

    @Override
    public void close() {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      try {
        if (inFlight.decrementAndGet() == 0) {
          synchronized (heartbeatLock) {
            if (inFlight.get() == 0) {
              cancelHeartbeat();
            }
          }
        }
        // The end is activity too: a long answer may end long after its request's message.
        debouncer.onEnd();
        scheduleTrailing();
      } catch (RuntimeException e) {
        warnFailure("Activity signal failed", ActivityMessage.Kind.REQUEST, e);
      }
    }
  }

  /**
   * Makes sure a trailing message is scheduled for the activity no message covers yet. The flag
   * is cleared before the trailing message is decided, so activity noted after that decision
   * always schedules another.
   */
  private void scheduleTrailing() {
    long due = debouncer.trailingDue(inFlight.get());
    if (due == Debouncer.NEVER || closed.get()) {
      return;
    }
    synchronized (trailingLock) {
      // One timer, unless a rise makes the message due sooner than the one set (a later timer
      // that fires finds nothing left to cover, or schedules what is).
      if (trailingScheduled != Debouncer.NEVER && due - trailingScheduled >= 0) {
        return;
      }
      trailingScheduled = due;
    }
    try {
      scheduler.after(Duration.ofNanos(Math.max(0, due - scheduler.nanoTime())), this::trailing);
    } catch (RejectedExecutionException e) {
      // Closing: close() publishes what is left uncovered.
    }
  }

  private void trailing() {
    synchronized (trailingLock) {
      trailingScheduled = Debouncer.NEVER;
    }
    if (closed.get()) {
      return;
    }
    int now = inFlight.get();
    if (debouncer.tryTrailing(now)) {
      enqueue(ActivityMessage.request(settings.source(), now));
    } else {
      // A message went out meanwhile: what came after it is due a window after that one.
      scheduleTrailing();
    }
  }

  private void ensureHeartbeat() {
    synchronized (heartbeatLock) {
      if (heartbeat == null && !closed.get()) {
        heartbeat = scheduler.every(settings.heartbeatInterval(), this::beat);
      }
    }
  }

  private void beat() {
    int now;
    synchronized (heartbeatLock) {
      now = inFlight.get();
      if (now == 0 || closed.get()) {
        cancelHeartbeat();
        return;
      }
    }
    // Skipped right after a request's message: two messages in one window say nothing more.
    if (debouncer.tryHeartbeat(settings.heartbeatInterval(), now)) {
      enqueue(ActivityMessage.heartbeat(settings.source(), now));
    }
  }

  private void cancelHeartbeat() {
    if (heartbeat != null) {
      heartbeat.cancel();
      heartbeat = null;
    }
  }

  private void enqueue(ActivityMessage message) {
    if (!queue.offer(message)) {
      long total = dropped.incrementAndGet();
      long recent = droppedSinceLog.incrementAndGet();
      if (dropLog.tryAcquire()) {
        droppedSinceLog.addAndGet(-recent);
        log.warning("Activity queue full: messages dropped", "kind", message.kind().wire(), "dropped", recent,
            "droppedTotal", total, "queue", settings.queueCapacity());
      }
      return;
    }
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false); // closing: close() drains what is left
      }
    }
  }

  private void drain() {
    try {
      ActivityMessage message;
      while ((message = queue.poll()) != null) {
        send(message);
      }
    } finally {
      draining.set(false);
    }
    if (!queue.isEmpty() && !closed.get()) {
      scheduleDrain();
    }
  }

  private void send(ActivityMessage message) {
    try {
      ApiFutures.addCallback(sink.publish(message), new ApiFutureCallback<>() {
        @Override
        public void onSuccess(String messageId) {
          sent.incrementAndGet();
        }

        @Override
        public void onFailure(Throwable error) {
          warnFailure("Activity publish failed", message.kind(), error);
        }
      }, MoreExecutors.directExecutor());
    } catch (RuntimeException e) {
      warnFailure("Activity publish failed", message.kind(), e);
    }
  }

  private void warnFailure(String what, ActivityMessage.Kind kind, Throwable error) {
    failed.incrementAndGet();
    long recent = failedSinceLog.incrementAndGet();
    if (failureLog.tryAcquire()) {
      failedSinceLog.addAndGet(-recent);
      log.warning(what, "kind", kind.wire(), "failed", recent, "failedTotal", failed.get(), "error", error);
    }
  }

  /** Sends what is queued and stops, within {@link Settings#closeTimeout()}; never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    synchronized (heartbeatLock) {
      cancelHeartbeat();
    }
    int now = inFlight.get();
    if (debouncer.tryFinal(now)) {
      // Going away (a redeploy): the activity since the last message must not be lost with us.
      queue.offer(ActivityMessage.request(settings.source(), now));
    }
    try {
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
        ownedExecutor.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
      }
      ActivityMessage message;
      while ((message = queue.poll()) != null) {
        send(message);
      }
      sink.close(Duration.ofNanos(remaining(deadline)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warning("Activity publisher did not close cleanly", "error", e);
    } finally {
      if (ownedExecutor != null) {
        ownedExecutor.shutdownNow();
      }
    }
    log.info("Activity publisher closed", "sent", sent.get(), "dropped", dropped.get(), "failed", failed.get());
  }

  private static long remaining(long deadline) {
    return Math.max(1, deadline - System.nanoTime());
  }

  /** Requests begun and not yet closed. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Messages dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Messages Pub/Sub accepted. */
  public long sent() {
    return sent.get();
  }

  /** Messages whose publish failed (after the client's own retries). */
  public long failed() {
    return failed.get();
  }
}
