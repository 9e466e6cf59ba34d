package dev.snooze.frontend.activity;

import com.google.api.core.ApiFuture;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
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

  @Override
  public void close(Duration bound) throws InterruptedException {
    publisher.shutdown();
    if (!publisher.awaitTermination(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("Pub/Sub publisher did not finish within " + bound);
    }
  }
}
