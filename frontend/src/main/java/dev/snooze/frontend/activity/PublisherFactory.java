package dev.snooze.frontend.activity;

import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.batching.FlowController.LimitExceededBehavior;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Builds the Pub/Sub {@link Publisher} for the activity topic. With an emulator host
 * ({@code PUBSUB_EMULATOR_HOST}, which the Java client itself ignores) it speaks plaintext gRPC
 * without credentials; otherwise Pub/Sub itself with the application default credentials.
 */
public final class PublisherFactory {
  /** Retries transient errors (the client's defaults decide which), for at most this long per message. */
  public static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(30);

  private PublisherFactory() {}

  public static Publisher create(String project, String topic, String emulatorHost) {
    Publisher.Builder builder =
        Publisher.newBuilder(TopicName.of(project, topic))
            .setRetrySettings(retrySettings(TOTAL_TIMEOUT))
            .setBatchingSettings(batchingSettings())
            .setEnableCompression(false);
    if (emulatorHost != null && !emulatorHost.isBlank()) {
      builder
          .setChannelProvider(
              InstantiatingGrpcChannelProvider.newBuilder()
                  .setEndpoint(emulatorHost)
                  .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                  .build())
          .setCredentialsProvider(NoCredentialsProvider.create());
    }
    try {
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Pub/Sub publisher for topic "
          + TopicName.of(project, topic) + ": " + e.getMessage(), e);
    }
  }

  static RetrySettings retrySettings(Duration total) {
    return RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(Duration.ofMillis(100))
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(Duration.ofSeconds(5))
        .setInitialRpcTimeoutDuration(Duration.ofSeconds(5))
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(Duration.ofSeconds(5))
        .setTotalTimeoutDuration(total)
        .build();
  }

  /**
   * Activity is rare (debounced), so there is nothing to batch: each message goes out at once
   * (a batch of one), rather than after the 10 ms a batch would wait for company, which the wake
   * latency benchmark (P1) measured on every cold start. Never more than 1,000 outstanding:
   * beyond that a publish fails fast (and is logged) instead of blocking.
   */
  static BatchingSettings batchingSettings() {
    return BatchingSettings.newBuilder()
        .setDelayThresholdDuration(Duration.ofMillis(10))
        .setElementCountThreshold(1L)
        .setRequestByteThreshold(100_000L)
        .setFlowControlSettings(
            FlowControlSettings.newBuilder()
                .setMaxOutstandingElementCount(1_000L)
                .setMaxOutstandingRequestBytes(1_000_000L)
                .setLimitExceededBehavior(LimitExceededBehavior.ThrowException)
                .build())
        .build();
  }
}
