package dev.snooze.functions.activity;

import com.google.events.cloud.pubsub.v1.PubsubMessage;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.snooze.activity.ActivityMessage;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the CloudEvent that Eventarc delivers for a Pub/Sub message into an {@link Activity}: the
 * envelope (event type, message id, publish time) here, the body by {@link ActivityMessage}. A body
 * that is not Snooze's JSON loses its detail, with a warning, not the wake; an event that is not a
 * Pub/Sub message at all is rejected (and acknowledged).
 */
public final class ActivityMessages {
  public static final String EVENT_TYPE = "google.cloud.pubsub.topic.v1.messagePublished";
  /**
   * A publish time further ahead than this is not believed: Pub/Sub stamps messages itself, so
   * only a forged or broken event can carry one, and recording it would keep the GPU awake (and
   * hold a heartbeat) until then, since recorded activity never moves back.
   */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);
  /**
   * More requests in flight than one frontend can hold (its SNOOZE_MAX_PENDING tops out at 100,000,
   * and a VM's connections well below that): a count above it is a broken or forged report, counted
   * as this many so that one message cannot overflow the sum or pin the GPU at its maximum size.
   */
  public static final int MAX_IN_FLIGHT = 100_000;
  /** Pub/Sub's message ids are short numbers; one longer than this is not one. */
  private static final int MAX_MESSAGE_ID = 200;

  private ActivityMessages() {}

  /** The outcome of reading one event. */
  public sealed interface Parsed {}

  /** An activity, with what was wrong with its detail (if anything). */
  public record Accepted(Activity activity, List<String> warnings) implements Parsed {}

  /** Not an activity message at all; {@code reason} says why. */
  public record Rejected(String reason) implements Parsed {}

  /** A Pub/Sub message out of its envelope, its body not read yet (the billing budget's notices share it). */
  public record Opened(String messageId, Instant publishTime, String body, List<String> warnings) implements Parsed {}

  public static Parsed parse(CloudEvent event, Instant now) {
    Parsed envelope = open(event, now);
    if (!(envelope instanceof Opened opened)) {
      return envelope;
    }
    List<String> warnings = new ArrayList<>(opened.warnings());
    ActivityMessage.Decoded body = ActivityMessage.decode(opened.body());
    warnings.addAll(body.warnings());
    ActivityMessage detail = body.message();
    Integer inFlight = detail.inFlight();
    if (inFlight != null && inFlight > MAX_IN_FLIGHT) {
      warnings.add("inFlight " + inFlight + " from " + detail.source() + " is more than a frontend can hold: counted as "
          + MAX_IN_FLIGHT);
      inFlight = MAX_IN_FLIGHT;
    }
    return new Accepted(new Activity(opened.messageId(), opened.publishTime(), detail.source(), detail.kind(),
        inFlight), warnings);
  }

  /** The Pub/Sub message that {@code event} carries, or {@link Rejected} saying why it carries none. */
  public static Parsed open(CloudEvent event, Instant now) {
    if (!EVENT_TYPE.equals(event.getType())) {
      return new Rejected("event type " + event.getType() + " is not " + EVENT_TYPE);
    }
    if (event.getData() == null) {
      return new Rejected("event " + event.getId() + " has no data");
    }
    MessagePublishedData data;
    try {
      MessagePublishedData.Builder builder = MessagePublishedData.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(
          new String(event.getData().toBytes(), StandardCharsets.UTF_8), builder);
      data = builder.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return new Rejected("event " + event.getId() + " data is not a Pub/Sub MessagePublishedData: "
          + ActivityMessage.brief(e.getMessage()));
    }
    if (!data.hasMessage()) {
      return new Rejected("event " + event.getId() + " carries no Pub/Sub message");
    }
    PubsubMessage message = data.getMessage();
    List<String> warnings = new ArrayList<>();
    String messageId = message.getMessageId().isEmpty() ? event.getId() : message.getMessageId();
    if (messageId.length() > MAX_MESSAGE_ID) {
      // Pub/Sub's ids are short numbers; the id lands in logs and in the state document.
      return new Rejected("event " + ActivityMessage.brief(event.getId()) + " has a message id of " + messageId.length()
          + " characters, not a Pub/Sub message id");
    }
    Instant publishTime = publishTime(message, event, now, warnings);
    return new Opened(messageId, publishTime, message.getData().toStringUtf8(), warnings);
  }

  private static Instant publishTime(PubsubMessage message, CloudEvent event, Instant now, List<String> warnings) {
    Instant stamped;
    if (message.hasPublishTime()) {
      stamped = Instant.ofEpochMilli(Timestamps.toMillis(message.getPublishTime()));
    } else if (event.getTime() != null) {
      stamped = event.getTime().toInstant();
    } else {
      warnings.add("message has no publish time: counted as activity now");
      return now;
    }
    if (stamped.isAfter(now.plus(MAX_CLOCK_SKEW))) {
      warnings.add("message publish time " + stamped + " is in the future: counted as activity now");
      return now;
    }
    return stamped;
  }

}
