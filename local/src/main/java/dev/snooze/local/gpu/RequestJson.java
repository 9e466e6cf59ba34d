package dev.snooze.local.gpu;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import dev.snooze.local.http.LoopbackServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reading the JSON requests both of the stand-in's APIs take. */
final class RequestJson {
  static final int MAX_BODY = 1 << 20;

  private RequestJson() {}

  /**
   * The request's body as a JSON object; null when it is not one.
   *
   * @throws LoopbackServer.BodyTooLargeException past {@link #MAX_BODY}
   */
  static JsonObject object(HttpExchange exchange) throws IOException {
    try {
      JsonElement parsed =
          JsonParser.parseString(
              new String(LoopbackServer.readBody(exchange, MAX_BODY), StandardCharsets.UTF_8));
      return parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
    } catch (JsonParseException | IllegalStateException e) {
      return null;
    }
  }

  /** A string (or other primitive) field as text; empty when absent or not a primitive. */
  static String string(JsonObject object, String name) {
    JsonElement value = object.get(name);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : "";
  }

  /** Whether the field is absent or a JSON boolean: what a {@code stream} flag must be. */
  static boolean absentOrBoolean(JsonObject object, String name) {
    JsonElement value = object.get(name);
    return value == null || value.isJsonNull()
        || value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
  }

  static boolean flag(JsonObject object, String name, boolean fallback) {
    JsonElement value = object.get(name);
    return value == null || value.isJsonNull() ? fallback : value.getAsBoolean();
  }

  /**
   * The last user message's text: what the stand-in model answers. Its content is a string
   * (Ollama, OpenAI) or OpenAI's list of parts, whose text parts are joined.
   */
  static String lastUserMessage(JsonArray messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).isJsonObject()) {
        JsonObject message = messages.get(i).getAsJsonObject();
        if ("user".equals(string(message, "role"))) {
          return content(message.get("content"));
        }
      }
    }
    return "";
  }

  /** Every message's text, for counting prompt tokens. */
  static String allMessages(JsonArray messages) {
    StringBuilder text = new StringBuilder();
    for (JsonElement message : messages) {
      if (message.isJsonObject()) {
        text.append(content(message.getAsJsonObject().get("content"))).append(' ');
      }
    }
    return text.toString();
  }

  private static String content(JsonElement content) {
    if (content == null || content.isJsonNull()) {
      return "";
    }
    if (content.isJsonPrimitive()) {
      return content.getAsString();
    }
    StringBuilder text = new StringBuilder();
    if (content.isJsonArray()) {
      for (JsonElement part : content.getAsJsonArray()) {
        if (part.isJsonObject() && "text".equals(string(part.getAsJsonObject(), "type"))) {
          text.append(string(part.getAsJsonObject(), "text"));
        }
      }
    }
    return text.toString();
  }
}
