package dev.snooze.cli.smoke;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.snooze.activity.ActivityMessage;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes as the frontend does ({@code PublisherFactory}, {@code PubsubSink}): the message's JSON
 * with the attribute {@code source}; to an emulator over plaintext gRPC without credentials (the
 * Java client ignores {@code PUBSUB_EMULATOR_HOST} itself), else to Pub/Sub with the
 * application-default credentials.
 */
final class PubsubActivityPublisher implements ActivityPublisher {
  /** Transient errors are retried (the client decides which) for at most this long. */
  static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(30);

  private final String project;
  private final String topic;
  private final String emulatorHost;

  /** @param emulatorHost HOST:PORT of an emulator; null for Pub/Sub */
  PubsubActivityPublisher(String project, String topic, String emulatorHost) {
    this.project = project;
    this.topic = topic;
    this.emulatorHost = emulatorHost;
  }

  @Override
  public String describe() {
    return TopicName.of(project, topic) + (emulatorHost == null ? "" : " on the emulator at " + emulatorHost);
  }

  @Override
  public String publish(ActivityMessage message) throws SmokeFailure, InterruptedException {
    Publisher publisher;
    try {
      publisher = publisher();
    } catch (IOException e) {
      throw new SmokeFailure("publish", "cannot publish to " + describe() + ": " + e.getMessage()
          + (emulatorHost == null ? " (gcloud auth application-default login)" : ""), e);
    }
    try {
      return publisher.publish(PubsubMessage.newBuilder()
              .setData(ByteString.copyFromUtf8(message.toJson()))
              .putAttributes(ActivityMessage.SOURCE_ATTRIBUTE, message.source())
              .build())
          .get(TOTAL_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new SmokeFailure("publish", "publishing to " + describe() + " failed: " + why(e.getCause()), e);
    } catch (TimeoutException e) {
      throw new SmokeFailure("publish", "publishing to " + describe() + " took over " + TOTAL_TIMEOUT.toSeconds()
          + " s: is Pub/Sub reachable?", e);
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private Publisher publisher() throws IOException {
    Publisher.Builder builder = Publisher.newBuilder(TopicName.of(project, topic))
        .setRetrySettings(RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(100))
            .setRetryDelayMultiplier(2.0)
            .setMaxRetryDelayDuration(Duration.ofSeconds(5))
            .setInitialRpcTimeoutDuration(Duration.ofSeconds(10))
            .setRpcTimeoutMultiplier(1.0)
            .setMaxRpcTimeoutDuration(Duration.ofSeconds(10))
            .setTotalTimeoutDuration(TOTAL_TIMEOUT)
            .build())
        .setEnableCompression(false);
    if (emulatorHost != null) {
      builder.setChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
              .setEndpoint(emulatorHost)
              .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
              .build())
          .setCredentialsProvider(NoCredentialsProvider.create());
    }
    return builder.build();
  }

  /** The usual causes, in the words of the fix. */
  private String why(Throwable cause) {
    if (cause instanceof ApiException api) {
      StatusCode.Code code = api.getStatusCode().getCode();
      return switch (code) {
        case NOT_FOUND -> "topic not found (NOT_FOUND): is --topic the terraform output topic?";
        case PERMISSION_DENIED -> "PERMISSION_DENIED: the application-default credentials need "
            + "roles/pubsub.publisher on the topic";
        case UNAUTHENTICATED -> "UNAUTHENTICATED: gcloud auth application-default login";
        default -> code + ": " + api.getMessage();
      };
    }
    return String.valueOf(cause);
  }
}
