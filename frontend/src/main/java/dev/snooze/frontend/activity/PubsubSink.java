package dev.snooze.frontend.activity;

import com.google.api.core.ApiFuture;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.snooze.activity.ActivityMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Publishes activity messages as JSON with the attribute {@code source=<instanceId>}. */
public final class PubsubSink implements ActivitySink {
  private final Publisher publisher;

  public PubsubSink(Publisher publisher) {
    this.publisher = publisher;
  }

  public static PubsubMessage toPubsub(ActivityMessage message) {
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFromUtf8(message.toJson()))
        .putAttributes(ActivityMessage.SOURCE_ATTRIBUTE, message.source())
        .build();
  }

  @Override
  public ApiFuture<String> publish(ActivityMessage message) {
    return publisher.publish(toPubsub(message));
  }

  /**
   * {@link Publisher#shutdown()} waits for outstanding publishes, retries included (up to
   * {@link PublisherFactory#TOTAL_TIMEOUT} when Pub/Sub is unreachable), so it runs on its own
   * daemon thread and the caller waits only {@code bound}; the rest finishes in the background.
   */
  @Override
  public void close(Duration bound) throws InterruptedException {
    Thread closer = new Thread(() -> {
      publisher.shutdown();
      try {
        publisher.awaitTermination(PublisherFactory.TOTAL_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "snooze-activity-close");
    closer.setDaemon(true);
    closer.start();
    closer.join(Math.max(1, bound.toMillis()));
    if (closer.isAlive()) {
      throw new IllegalStateException("Pub/Sub publisher did not finish within " + bound
          + ": outstanding messages are still retried in the background");
    }
  }
}
