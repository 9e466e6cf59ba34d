package dev.snooze.local.gpu;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import dev.snooze.local.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The OpenAI-compatible API that Ollama serves under {@code /v1/}, which the OpenAI SDKs call:
 * {@code GET /v1/models} (and {@code /v1/models/ID}), {@code POST /v1/chat/completions} and
 * {@code POST /v1/completions}, answered whole or, with {@code "stream": true}, as server-sent
 * events: one {@code data: {chunk}} event per token, flushed as it is produced, a last chunk with
 * a {@code finish_reason}, then {@code data: [DONE]}. Field names and error bodies follow
 * OpenAI's (and Ollama's compatibility layer). The model memory and the token pace are the
 * native API's: a request waits for the model to load as one to {@code /api/chat} does, and
 * queues with the native API's requests; one the queue cannot take gets 503 with Ollama's
 * "server busy" message in OpenAI's error body, as Ollama's compatibility layer turns it.
 */
final class OpenAiApi {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
  /** What Ollama's compatibility layer puts in every answer's {@code system_fingerprint}. */
  static final String FINGERPRINT = "fp_ollama";
  /** Ollama lists its models as owned by "library" (the public registry's namespace). */
  static final String OWNER = "library";
  private static final long MODEL_CREATED = 1_767_225_600L; // 2026-01-01, the tag's modified_at

  private final Duration tokenInterval;
  private final Clock clock;
  private final ModelMemory memory;
  private final Admission admission;

  OpenAiApi(Duration tokenInterval, Clock clock, ModelMemory memory, Admission admission) {
    this.tokenInterval = tokenInterval;
    this.clock = clock;
    this.memory = memory;
    this.admission = admission;
  }

  void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    try {
      if (path.equals("/v1/models") || path.startsWith("/v1/models/")) {
        if (!method.equals("GET")) {
          methodNotAllowed(exchange);
        } else if (path.equals("/v1/models")) {
          JsonObject list = new JsonObject();
          list.addProperty("object", "list");
          JsonArray data = new JsonArray();
          data.add(model());
          list.add("data", data);
          send(exchange, 200, list);
        } else {
          String id = path.substring("/v1/models/".length());
          if (memory.settings().serves(id)) {
            send(exchange, 200, model());
          } else {
            modelNotFound(exchange, id);
          }
        }
        return;
      }
      switch (path) {
        case "/v1/chat/completions", "/v1/completions" -> {
          if (!method.equals("POST")) {
            methodNotAllowed(exchange);
          } else {
            complete(exchange, path.equals("/v1/chat/completions"));
          }
        }
        default -> error(exchange, 404, "Invalid URL (" + method + " " + path + ")", null, null);
      }
    } catch (LoopbackServer.BodyTooLargeException e) {
      error(exchange, 413, "request body too large", null, null);
    }
  }

  private void complete(HttpExchange exchange, boolean chat) throws IOException {
    JsonObject request = RequestJson.object(exchange);
    if (request == null) {
      error(exchange, 400, "We could not parse the JSON body of your request.", null, null);
      return;
    }
    String model = RequestJson.string(request, "model");
    if (model.isEmpty()) {
      missing(exchange, "model");
      return;
    }
    String prompt;
    int promptTokens;
    if (chat) {
      JsonElement messages = request.get("messages");
      if (messages == null || !messages.isJsonArray() || messages.getAsJsonArray().isEmpty()) {
        missing(exchange, "messages");
        return;
      }
      prompt = RequestJson.lastUserMessage(messages.getAsJsonArray());
      promptTokens = StandInModel.promptTokens(RequestJson.allMessages(messages.getAsJsonArray()));
    } else {
      JsonElement value = request.get("prompt");
      if (value == null || value.isJsonNull()) {
        missing(exchange, "prompt");
        return;
      }
      prompt = promptText(value);
      promptTokens = StandInModel.promptTokens(prompt);
    }
    if (!RequestJson.absentOrBoolean(request, "stream")) {
      error(exchange, 400, "Invalid type for 'stream': expected a boolean.", "stream", "invalid_type");
      return;
    }
    if (!memory.settings().serves(model)) {
      modelNotFound(exchange, model);
      return;
    }
    List<String> tokens = StandInModel.answer(prompt);
    String finish = "stop";
    int limit = maxTokens(request);
    if (limit > 0 && limit < tokens.size()) {
      tokens = tokens.subList(0, limit);
      finish = "length";
    }
    Answer answer = new Answer(
        (chat ? "chatcmpl-" : "cmpl-") + ThreadLocalRandom.current().nextInt(1_000_000),
        clock.instant().getEpochSecond(), model, chat, promptTokens, tokens.size(), finish);
    boolean stream = RequestJson.flag(request, "stream", false);
    Optional<Admission.Ticket> entered = admission.enter();
    if (entered.isEmpty()) {
      // Ollama's compatibility layer types every error but a 400 or a 404 as an api_error.
      error(exchange, 503, Admission.BUSY, null, null, "api_error");
      return;
    }
    try (Admission.Ticket ticket = entered.get(); ModelMemory.Lease lease = memory.use(null)) {
      ticket.awaitSlot();
      if (!stream) {
        StandInModel.generate(tokenInterval, tokens.size());
        send(exchange, 200, answer.whole(String.join("", tokens)));
        ticket.answered();
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (String token : tokens) {
          StandInModel.generate(tokenInterval, 1);
          event(out, GSON.toJson(answer.chunk(token, null)));
        }
        event(out, GSON.toJson(answer.chunk("", finish)));
        if (includeUsage(request)) {
          event(out, GSON.toJson(answer.usageChunk()));
        }
        event(out, "[DONE]");
      }
      ticket.answered();
    }
  }

  /** One answer's fixed parts, shared by its chunks. */
  private record Answer(
      String id, long created, String model, boolean chat, int promptTokens, int tokens, String finish) {

    JsonObject whole(String text) {
      JsonObject choice = new JsonObject();
      choice.addProperty("index", 0);
      if (chat) {
        choice.add("message", message(text));
      } else {
        choice.addProperty("text", text);
        choice.add("logprobs", JsonNull.INSTANCE);
      }
      choice.addProperty("finish_reason", finish);
      JsonObject body = head(chat ? "chat.completion" : "text_completion");
      body.add("choices", array(choice));
      body.add("usage", usage());
      return body;
    }

    JsonObject chunk(String token, String finishReason) {
      JsonObject choice = new JsonObject();
      choice.addProperty("index", 0);
      if (chat) {
        choice.add("delta", message(token));
      } else {
        choice.addProperty("text", token);
        choice.add("logprobs", JsonNull.INSTANCE);
      }
      choice.addProperty("finish_reason", finishReason);
      JsonObject body = head(chat ? "chat.completion.chunk" : "text_completion");
      body.add("choices", array(choice));
      return body;
    }

    /** With {@code stream_options.include_usage}: a last chunk with no choices and the usage. */
    JsonObject usageChunk() {
      JsonObject body = head(chat ? "chat.completion.chunk" : "text_completion");
      body.add("choices", new JsonArray());
      body.add("usage", usage());
      return body;
    }

    private JsonObject head(String object) {
      JsonObject body = new JsonObject();
      body.addProperty("id", id);
      body.addProperty("object", object);
      body.addProperty("created", created);
      body.addProperty("model", model);
      body.addProperty("system_fingerprint", FINGERPRINT);
      return body;
    }

    private JsonObject usage() {
      JsonObject usage = new JsonObject();
      usage.addProperty("prompt_tokens", promptTokens);
      usage.addProperty("completion_tokens", tokens);
      usage.addProperty("total_tokens", promptTokens + tokens);
      return usage;
    }

    private static JsonObject message(String content) {
      JsonObject message = new JsonObject();
      message.addProperty("role", "assistant");
      message.addProperty("content", content);
      return message;
    }

    private static JsonArray array(JsonObject element) {
      JsonArray array = new JsonArray();
      array.add(element);
      return array;
    }
  }

  private JsonObject model() {
    JsonObject model = new JsonObject();
    model.addProperty("id", memory.settings().name());
    model.addProperty("object", "model");
    model.addProperty("created", MODEL_CREATED);
    model.addProperty("owned_by", OWNER);
    return model;
  }

  /** {@code max_completion_tokens} (the current name) or {@code max_tokens}; 0 = no limit. */
  private static int maxTokens(JsonObject request) {
    for (String name : List.of("max_completion_tokens", "max_tokens")) {
      JsonElement value = request.get(name);
      if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
        return Math.max(0, value.getAsInt());
      }
    }
    return 0;
  }

  private static boolean includeUsage(JsonObject request) {
    JsonElement options = request.get("stream_options");
    return options != null && options.isJsonObject()
        && RequestJson.absentOrBoolean(options.getAsJsonObject(), "include_usage")
        && RequestJson.flag(options.getAsJsonObject(), "include_usage", false);
  }

  /** A completion's prompt: a string, or a list of them, of which the first is answered. */
  private static String promptText(JsonElement value) {
    if (value.isJsonArray()) {
      return value.getAsJsonArray().isEmpty() ? "" : promptText(value.getAsJsonArray().get(0));
    }
    return value.isJsonPrimitive() ? value.getAsString() : "";
  }

  // A client that went away makes the write fail: the stream simply ends, as Ollama's does.
  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
    LoopbackServer.sendJson(exchange, status, GSON.toJson(body));
  }

  private static void missing(HttpExchange exchange, String param) throws IOException {
    error(exchange, 400, "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
  }

  private void modelNotFound(HttpExchange exchange, String model) throws IOException {
    error(exchange, 404, "The model `" + model + "` does not exist or you do not have access to it.",
        null, "model_not_found");
  }

  private static void methodNotAllowed(HttpExchange exchange) throws IOException {
    error(exchange, 405, "Method " + exchange.getRequestMethod() + " is not allowed on "
        + exchange.getRequestURI().getPath() + ".", null, null);
  }

  /** OpenAI's error body: {@code {"error":{"message","type","param","code"}}}. */
  private static void error(HttpExchange exchange, int status, String message, String param, String code)
      throws IOException {
    error(exchange, status, message, param, code, "invalid_request_error");
  }

  private static void error(HttpExchange exchange, int status, String message, String param, String code,
      String type) throws IOException {
    JsonObject error = new JsonObject();
    error.addProperty("message", message);
    error.addProperty("type", type);
    error.addProperty("param", param);
    error.addProperty("code", code);
    JsonObject body = new JsonObject();
    body.add("error", error);
    send(exchange, status, body);
  }
}
