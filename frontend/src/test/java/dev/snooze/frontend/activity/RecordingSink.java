package dev.snooze.frontend.activity;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import dev.snooze.activity.ActivityMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/** Records what would be published; can fail or block on demand. Public for the server tests (intents). */
public final class RecordingSink implements ActivitySink {
  private final List<ActivityMessage> messages = new ArrayList<>();
  private Function<ActivityMessage, ApiFuture<String>> answer = m -> ApiFutures.immediateFuture("id");
  private CountDownLatch gate;
  private volatile boolean closed;

  RecordingSink failingWith(RuntimeException error) {
    answer = m -> ApiFutures.immediateFailedFuture(error);
    return this;
  }

  RecordingSink throwing(RuntimeException error) {
    answer = m -> {
      throw error;
    };
    return this;
  }

  /** Every publish blocks until {@code gate} opens (a stuck client). */
  RecordingSink blockingOn(CountDownLatch gate) {
    this.gate = gate;
    return this;
  }

  @Override
  public ApiFuture<String> publish(ActivityMessage message) {
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      messages.add(message);
    }
    return answer.apply(message);
  }

  @Override
  public void close(Duration bound) {
    closed = true;
  }

  public synchronized List<ActivityMessage> messages() {
    return List.copyOf(messages);
  }

  boolean closed() {
    return closed;
  }
}
