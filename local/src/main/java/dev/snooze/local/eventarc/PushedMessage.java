package dev.snooze.local.eventarc;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One message as Pub/Sub push wraps it:
 * {@code {"subscription":"projects/P/subscriptions/S","message":{"data":"<b64>","attributes":{..},
 * "messageId":"..","publishTime":".."}}}. The emulator also sends snake_case twins of the id and
 * time; either spelling is accepted.
 */
record PushedMessage(
    String subscription, String messageId, Timestamp publishTime, ByteString data, Map<String, String> attributes) {
  /**
   * Pub/Sub's message ids are short numbers. The id becomes the CloudEvent's ce-id header: a line
   * break in it cannot be sent at all, and a huge one is refused by the function's server, which
   * the emulator would take as a failure and redeliver for ever.
   */
  private static final Pattern MESSAGE_ID = Pattern.compile("[\\x21-\\x7e]{1,200}");

  static PushedMessage parse(byte[] body) throws MalformedPushException {
    JsonObject root;
    try {
      JsonElement parsed = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw new MalformedPushException("push body is not a JSON object");
      }
      root = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new MalformedPushException("push body is not JSON: " + reason);
    }
    if (!root.has("message") || !root.get("message").isJsonObject()) {
      throw new MalformedPushException("push body has no \"message\" object");
    }
    JsonObject message = root.getAsJsonObject("message");
    String subscription = string(root, "subscription");
    String messageId = firstString(message, "messageId", "message_id");
    if (messageId == null || messageId.isEmpty()) {
      throw new MalformedPushException("push message has no messageId");
    }
    if (!MESSAGE_ID.matcher(messageId).matches()) {
      throw new MalformedPushException(
          "push message messageId is not a Pub/Sub message id (visible ASCII, at most 200 characters)");
    }
    String time = firstString(message, "publishTime", "publish_time");
    if (time == null) {
      throw new MalformedPushException("push message has no publishTime");
    }
    Timestamp publishTime;
    try {
      publishTime = Timestamps.parse(time);
    } catch (ParseException e) {
      throw new MalformedPushException("push message publishTime is not RFC 3339: " + time);
    }
    ByteString data = ByteString.EMPTY;
    String encoded = string(message, "data");
    if (encoded != null) {
      try {
        data = ByteString.copyFrom(Base64.getDecoder().decode(encoded));
      } catch (IllegalArgumentException e) {
        throw new MalformedPushException("push message data is not base64");
      }
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonElement attrs = message.get("attributes");
    if (attrs != null && !attrs.isJsonNull()) {
      if (!attrs.isJsonObject()) {
        throw new MalformedPushException("push message attributes is not an object");
      }
      for (Map.Entry<String, JsonElement> entry : attrs.getAsJsonObject().entrySet()) {
        if (!entry.getValue().isJsonPrimitive()) {
          throw new MalformedPushException("push message attribute " + entry.getKey() + " is not a string");
        }
        attributes.put(entry.getKey(), entry.getValue().getAsString());
      }
    }
    return new PushedMessage(subscription, messageId, publishTime, data, Map.copyOf(attributes));
  }

  private static String firstString(JsonObject object, String name, String alternative) throws MalformedPushException {
    String value = string(object, name);
    return value != null ? value : string(object, alternative);
  }

  private static String string(JsonObject object, String name) throws MalformedPushException {
    JsonElement element = object.get(name);
    if (element == null || element.isJsonNull()) {
      return null;
    }
    if (!element.isJsonPrimitive()) {
      throw new MalformedPushException("push field " + name + " is not a string");
    }
    return element.getAsString();
  }
}
