package dev.snooze.local.eventarc;

import com.google.events.cloud.pubsub.v1.PubsubMessage;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The binary-mode CloudEvent Eventarc delivers for a Pub/Sub message, per Eventarc's "CloudEvents
 * format - HTTP protocol binding" page: ce-id is the message id, ce-source the topic's full
 * resource name, ce-time the publish time (RFC 3339, UTC); no ce-subject for Pub/Sub. The body is
 * {@link MessagePublishedData} in proto JSON, so functions parse it with the same type.
 */
record MessagePublishedEvent(Map<String, String> headers, String body) {
  static final String TYPE = "google.cloud.pubsub.topic.v1.messagePublished";

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  static MessagePublishedEvent of(String project, String topic, String subscriptionPath, PushedMessage pushed) {
    MessagePublishedData data =
        MessagePublishedData.newBuilder()
            .setSubscription(subscriptionPath)
            .setMessage(
                PubsubMessage.newBuilder()
                    .setData(pushed.data())
                    .putAllAttributes(pushed.attributes())
                    .setMessageId(pushed.messageId())
                    .setPublishTime(pushed.publishTime()))
            .build();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ce-specversion", "1.0");
    headers.put("ce-type", TYPE);
    headers.put("ce-source", "//pubsub.googleapis.com/projects/" + project + "/topics/" + topic);
    headers.put("ce-id", pushed.messageId());
    headers.put("ce-time", Timestamps.toString(pushed.publishTime()));
    headers.put("Content-Type", "application/json");
    try {
      return new MessagePublishedEvent(Map.copyOf(headers), PRINTER.print(data));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("MessagePublishedData always prints as JSON", e);
    }
  }
}
