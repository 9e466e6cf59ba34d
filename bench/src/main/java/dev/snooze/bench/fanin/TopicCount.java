package dev.snooze.bench.fanin;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.gson.JsonParser;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the messages published to a topic, by their {@code kind} ("request", "heartbeat"),
 * through a pull subscription of its own on the Pub/Sub emulator, with the real client.
 */
final class TopicCount implements AutoCloseable {
  private final ManagedChannel channel;
  private final SubscriptionAdminClient client;
  private final SubscriptionName subscription;

  private TopicCount(ManagedChannel channel, SubscriptionAdminClient client, SubscriptionName subscription) {
    this.channel = channel;
    this.client = client;
    this.subscription = subscription;
  }

  /** Subscribes now: messages published from here on are counted. */
  static TopicCount subscribe(String emulatorHost, String project, String topic) throws Exception {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(emulatorHost).usePlaintext().build();
    SubscriptionAdminClient client = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
        .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
        .setCredentialsProvider(NoCredentialsProvider.create())
        .build());
    SubscriptionName name = SubscriptionName.of(project, "bench-count-" + topic);
    client.createSubscription(name, TopicName.of(project, topic), PushConfig.getDefaultInstance(), 60);
    return new TopicCount(channel, client, name);
  }

  /** The messages drained: how many of each kind, and their ids. */
  record Drained(Map<String, Integer> kinds, List<String> messageIds) {
    int total() {
      return messageIds.size();
    }
  }

  /** Pulls and acknowledges every message waiting. */
  @SuppressWarnings("deprecation") // returnImmediately: the emulator honours it, and a count must not wait
  Drained drain() {
    Map<String, Integer> kinds = new TreeMap<>();
    List<String> ids = new ArrayList<>();
    while (true) {
      PullResponse response = client.pull(PullRequest.newBuilder().setSubscription(subscription.toString())
          .setMaxMessages(1000).setReturnImmediately(true).build());
      if (response.getReceivedMessagesCount() == 0) {
        return new Drained(kinds, ids);
      }
      List<String> ackIds = new ArrayList<>();
      for (ReceivedMessage m : response.getReceivedMessagesList()) {
        ackIds.add(m.getAckId());
        ids.add(m.getMessage().getMessageId());
        kinds.merge(kind(m.getMessage().getData().toStringUtf8()), 1, Integer::sum);
      }
      client.acknowledge(subscription, ackIds);
    }
  }

  private static String kind(String data) {
    try {
      return JsonParser.parseString(data).getAsJsonObject().get("kind").getAsString();
    } catch (RuntimeException e) {
      return "other";
    }
  }

  @Override
  public void close() {
    try {
      client.deleteSubscription(subscription);
    } finally {
      client.close();
      channel.shutdownNow();
    }
  }
}
