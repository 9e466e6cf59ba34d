package dev.snooze.functions.activity;

import com.google.events.cloud.pubsub.v1.PubsubMessage;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the CloudEvent that Eventarc delivers for a Pub/Sub message into an {@link Activity}.
 *
 * <p>The message body, optional, is JSON, schema version 1:
 *
 * <pre>
 * {"schemaVersion": 1, "source": "frontend-abc1", "kind": "request" | "heartbeat", "inFlight": 2}
 * </pre>
 *
 * Every field is optional. A body that is not this JSON loses its detail, with a warning, not
 * the wake; an event that is not a Pub/Sub message at all is rejected (and acknowledged).
 */
public final class ActivityMessages {
  public static final String EVENT_TYPE = "google.cloud.pubsub.topic.v1.messagePublished";
  public static final int SCHEMA_VERSION = 1;
  /**
   * A publish time further ahead than this is not believed: Pub/Sub stamps messages itself, so
   * only a forged or broken event can carry one, and recording it would keep the GPU awake (and
   * hold a heartbeat) until then, since recorded activity never moves back.
   */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);
  /** Parse errors and bad values can be megabytes long: logs and the state get this much of them. */
  private static final int MAX_DETAIL = 200;

  private ActivityMessages() {}

  /** The outcome of reading one event. */
  public sealed interface Parsed {}

  /** An activity, with what was wrong with its detail (if anything). */
  public record Accepted(Activity activity, List<String> warnings) implements Parsed {}

  /** Not an activity message at all; {@code reason} says why. */
  public record Rejected(String reason) implements Parsed {}

  public static Parsed parse(CloudEvent event, Instant now) {
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
          + brief(e.getMessage()));
    }
    if (!data.hasMessage()) {
      return new Rejected("event " + event.getId() + " carries no Pub/Sub message");
    }
    PubsubMessage message = data.getMessage();
    List<String> warnings = new ArrayList<>();
    String messageId = message.getMessageId().isEmpty() ? event.getId() : message.getMessageId();
    if (messageId.length() > MAX_DETAIL) {
      // Pub/Sub's ids are short numbers; the id lands in logs and in the state document.
      return new Rejected("event " + brief(event.getId()) + " has a message id of " + messageId.length()
          + " characters, not a Pub/Sub message id");
    }
    Instant publishTime = publishTime(message, event, now, warnings);
    Detail detail = detail(message, warnings);
    return new Accepted(
        new Activity(messageId, publishTime, detail.source, detail.kind, detail.inFlight), warnings);
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

  /** The first line of {@code text}, at most {@link #MAX_DETAIL} characters. */
  private static String brief(String text) {
    String line = String.valueOf(text).lines().findFirst().orElse("");
    return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL) + "…";
  }

  private record Detail(String source, Activity.Kind kind, Integer inFlight) {}

  private static Detail detail(PubsubMessage message, List<String> warnings) {
    Detail none = new Detail("unknown", Activity.Kind.UNSPECIFIED, null);
    if (message.getData().isEmpty()) {
      return none;
    }
    JsonObject body;
    try {
      JsonElement parsed = JsonParser.parseString(message.getData().toStringUtf8());
      if (!parsed.isJsonObject()) {
        throw new JsonParseException("not a JSON object");
      }
      body = parsed.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      warnings.add("message body is not Snooze activity JSON (schemaVersion " + SCHEMA_VERSION
          + "): counted as activity without detail");
      return none;
    }
    if (body.has("schemaVersion") && !isInt(body.get("schemaVersion"), SCHEMA_VERSION)) {
      warnings.add("message body has schemaVersion " + brief(body.get("schemaVersion").toString())
          + ", expected " + SCHEMA_VERSION + ": counted as activity without detail");
      return none;
    }
    String source = text(body, "source", warnings);
    String kindText = text(body, "kind", warnings);
    Activity.Kind kind = Activity.Kind.UNSPECIFIED;
    if (kindText != null) {
      switch (kindText) {
        case "request" -> kind = Activity.Kind.REQUEST;
        case "heartbeat" -> kind = Activity.Kind.HEARTBEAT;
        default -> warnings.add("kind \"" + kindText + "\" is neither request nor heartbeat: ignored");
      }
    }
    Integer inFlight = null;
    if (body.has("inFlight")) {
      JsonElement value = body.get("inFlight");
      if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
          && value.getAsDouble() >= 0 && value.getAsDouble() == Math.rint(value.getAsDouble())
          && value.getAsDouble() <= Integer.MAX_VALUE) {
        inFlight = value.getAsInt();
      } else {
        warnings.add("inFlight " + brief(value.toString()) + " is not a count: ignored");
      }
    }
    return new Detail(source == null ? "unknown" : source, kind, inFlight);
  }

  private static boolean isInt(JsonElement value, int expected) {
    return value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
        && value.getAsDouble() == expected;
  }

  private static String text(JsonObject body, String field, List<String> warnings) {
    if (!body.has(field)) {
      return null;
    }
    JsonElement value = body.get(field);
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
        && value.getAsString().length() <= 200) {
      return value.getAsString();
    }
    warnings.add(field + " is not a short string: ignored");
    return null;
  }
}
