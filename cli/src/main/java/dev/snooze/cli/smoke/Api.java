package dev.snooze.cli.smoke;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.snooze.activity.ActivityMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two APIs the frontend passes, as far as the smoke speaks them: one streamed prompt, and the
 * list of models to pick one from. Ollama streams JSON lines; OpenAI streams server-sent events.
 */
enum Api {
  OLLAMA("/api/generate", "/api/tags"),
  OPENAI("/v1/chat/completions", "/v1/models");

  private final String promptPath;
  private final String modelsPath;

  Api(String promptPath, String modelsPath) {
    this.promptPath = promptPath;
    this.modelsPath = modelsPath;
  }

  String promptPath() {
    return promptPath;
  }

  String modelsPath() {
    return modelsPath;
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** One piece of the answer: its text ("" for none) and whether the stream says it is the last. */
  record Chunk(String text, boolean done) {}

  /** The backend answered with an error inside the stream, or with something that is not the API. */
  static final class AnswerError extends Exception {
    AnswerError(String message) {
      super(message);
    }
  }

  /** The streamed request for {@code prompt}. */
  String promptBody(String model, String prompt) {
    JsonObject body = new JsonObject();
    body.addProperty("model", model);
    body.addProperty("stream", true);
    if (this == OLLAMA) {
      body.addProperty("prompt", prompt);
    } else {
      JsonObject message = new JsonObject();
      message.addProperty("role", "user");
      message.addProperty("content", prompt);
      JsonArray messages = new JsonArray();
      messages.add(message);
      body.add("messages", messages);
    }
    return body.toString();
  }

  /** The models the backend lists, in its order. */
  List<String> models(String json) throws AnswerError {
    JsonObject body = object(json);
    JsonElement list = body.get(this == OLLAMA ? "models" : "data");
    if (list == null || !list.isJsonArray()) {
      throw new AnswerError("no " + (this == OLLAMA ? "models" : "data") + " list in " + ActivityMessage.brief(json));
    }
    List<String> names = new ArrayList<>();
    for (JsonElement entry : list.getAsJsonArray()) {
      if (entry.isJsonObject()) {
        String name = string(entry.getAsJsonObject(), this == OLLAMA ? "name" : "id");
        if (name != null) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** One line of the answer stream; null for a line that carries nothing (blank, an SSE comment or event name). */
  Chunk chunk(String line) throws AnswerError {
    if (line.isBlank()) {
      return null;
    }
    if (this == OLLAMA) {
      JsonObject json = object(line);
      failOnError(json);
      String text = string(json, "response");
      JsonElement done = json.get("done");
      return new Chunk(text == null ? "" : text,
          done != null && done.isJsonPrimitive() && done.getAsJsonPrimitive().isBoolean() && done.getAsBoolean());
    }
    if (!line.startsWith("data:")) {
      return null;
    }
    String data = line.substring("data:".length()).strip();
    if (data.equals("[DONE]")) {
      return new Chunk("", true);
    }
    JsonObject json = object(data);
    failOnError(json);
    StringBuilder text = new StringBuilder();
    JsonElement choices = json.get("choices");
    if (choices != null && choices.isJsonArray()) {
      for (JsonElement choice : choices.getAsJsonArray()) {
        if (!choice.isJsonObject()) {
          continue;
        }
        JsonElement delta = choice.getAsJsonObject().get("delta");
        String piece = delta != null && delta.isJsonObject() ? string(delta.getAsJsonObject(), "content")
            : string(choice.getAsJsonObject(), "text");
        if (piece != null) {
          text.append(piece);
        }
      }
    }
    return new Chunk(text.toString(), false);
  }

  private static void failOnError(JsonObject json) throws AnswerError {
    JsonElement error = json.get("error");
    if (error == null || error.isJsonNull()) {
      return;
    }
    String message = error.isJsonPrimitive() ? error.getAsString()
        : error.isJsonObject() && string(error.getAsJsonObject(), "message") != null
            ? string(error.getAsJsonObject(), "message") : error.toString();
    throw new AnswerError("the backend answered an error: " + ActivityMessage.brief(message));
  }

  private static JsonObject object(String json) throws AnswerError {
    try {
      JsonElement parsed = JsonParser.parseString(json);
      if (parsed.isJsonObject()) {
        return parsed.getAsJsonObject();
      }
    } catch (JsonParseException e) {
      // reported below
    }
    throw new AnswerError("not " + (json.isBlank() ? "an answer" : "JSON: " + ActivityMessage.brief(json)));
  }

  private static String string(JsonObject json, String field) {
    JsonElement value = json.get(field);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
  }
}
