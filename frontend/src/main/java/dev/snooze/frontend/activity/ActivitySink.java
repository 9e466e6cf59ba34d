package dev.snooze.frontend.activity;

import com.google.api.core.ApiFuture;
import dev.snooze.activity.ActivityMessage;
import java.time.Duration;

/** Where activity messages go: Pub/Sub in production ({@link PubsubSink}), a fake in unit tests. */
public interface ActivitySink {

  /** Starts publishing; never blocks. The future holds the message id or the failure. */
  ApiFuture<String> publish(ActivityMessage message);

  /** Sends what is outstanding and releases resources, waiting at most {@code bound}. */
  void close(Duration bound) throws InterruptedException;
}
