package dev.snooze.local.gpu;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.snooze.local.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The subset of Ollama's HTTP API that Snooze proxies and probes: {@code GET /} ("Ollama is
 * running", the usual health check), {@code /api/version}, {@code /api/tags}, and
 * {@code /api/generate} and {@code /api/chat}, streamed as NDJSON one token per line with real
 * pauses between tokens, or whole with {@code "stream": false}. Field names follow Ollama's.
 */
final class OllamaApi implements HttpHandler {
  static final String MODEL = "snooze-demo:latest";
  private static final int MAX_BODY = 1 << 20;
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Duration tokenInterval;
  private final Clock clock;

  OllamaApi(Duration tokenInterval, Clock clock) {
    this.tokenInterval = tokenInterval;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    try {
      switch (path) {
        case "/" -> {
          if (!method.equals("GET") && !method.equals("HEAD")) {
            error(exchange, 405, "method not allowed");
          } else {
            text(exchange, "Ollama is running");
          }
        }
        case "/api/version" -> LoopbackServer.sendJson(exchange, 200, "{\"version\":\"0.0.0-snooze\"}");
        case "/api/tags" -> LoopbackServer.sendJson(exchange, 200, tags());
        case "/api/generate", "/api/chat" -> {
          if (!method.equals("POST")) {
            error(exchange, 405, "method not allowed");
          } else {
            complete(exchange, path.equals("/api/chat"));
          }
        }
        default -> error(exchange, 404, "404 page not found");
      }
    } catch (LoopbackServer.BodyTooLargeException e) {
      error(exchange, 413, "request body too large");
    }
  }

  private void complete(HttpExchange exchange, boolean chat) throws IOException {
    JsonObject request;
    try {
      JsonElement parsed =
          JsonParser.parseString(
              new String(LoopbackServer.readBody(exchange, MAX_BODY), StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw new JsonParseException("not an object");
      }
      request = parsed.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      error(exchange, 400, "invalid JSON body");
      return;
    }
    String model = string(request, "model");
    if (model.isEmpty()) {
      error(exchange, 400, "model is required");
      return;
    }
    if (!MODEL.equals(model) && !MODEL.equals(model + ":latest")) {
      error(exchange, 404, "model '" + model + "' not found");
      return;
    }
    String prompt = chat ? lastUserMessage(request) : string(request, "prompt");
    List<String> tokens = StandInModel.answer(prompt);
    JsonElement streamFlag = request.get("stream");
    if (streamFlag != null && !(streamFlag.isJsonPrimitive() && streamFlag.getAsJsonPrimitive().isBoolean())) {
      error(exchange, 400, "stream must be true or false");
      return;
    }
    boolean stream = streamFlag == null || streamFlag.getAsBoolean();
    long started = System.nanoTime();
    if (!stream) {
      pauseFor(tokens.size());
      JsonObject done = done(model, chat, String.join("", tokens), tokens.size(), started);
      LoopbackServer.sendJson(exchange, 200, GSON.toJson(done));
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (String token : tokens) {
        pauseFor(1);
        writeLine(out, chunk(model, chat, token));
      }
      writeLine(out, done(model, chat, "", tokens.size(), started));
    }
  }

  // A client that went away makes the write fail: the stream simply ends, as Ollama's does.
  private static void writeLine(OutputStream out, JsonObject line) throws IOException {
    out.write((GSON.toJson(line) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void pauseFor(int tokens) throws IOException {
    try {
      Thread.sleep(tokenInterval.multipliedBy(tokens).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("backend stopped", e);
    }
  }

  private JsonObject chunk(String model, boolean chat, String token) {
    JsonObject line = new JsonObject();
    line.addProperty("model", model);
    line.addProperty("created_at", OffsetDateTime.now(clock).toString());
    if (chat) {
      line.add("message", message(token));
    } else {
      line.addProperty("response", token);
    }
    line.addProperty("done", false);
    return line;
  }

  private JsonObject done(String model, boolean chat, String text, int tokens, long startedNanos) {
    JsonObject line = chunk(model, chat, text);
    long total = System.nanoTime() - startedNanos;
    line.addProperty("done", true);
    line.addProperty("done_reason", "stop");
    line.addProperty("total_duration", total);
    line.addProperty("load_duration", 0);
    line.addProperty("prompt_eval_count", 1);
    line.addProperty("prompt_eval_duration", 0);
    line.addProperty("eval_count", tokens);
    line.addProperty("eval_duration", total);
    return line;
  }

  private static JsonObject message(String content) {
    JsonObject message = new JsonObject();
    message.addProperty("role", "assistant");
    message.addProperty("content", content);
    return message;
  }

  private static String lastUserMessage(JsonObject request) {
    if (!request.has("messages") || !request.get("messages").isJsonArray()) {
      return "";
    }
    JsonArray messages = request.getAsJsonArray("messages");
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).isJsonObject()) {
        JsonObject message = messages.get(i).getAsJsonObject();
        if ("user".equals(string(message, "role"))) {
          return string(message, "content");
        }
      }
    }
    return "";
  }

  private static String string(JsonObject object, String name) {
    JsonElement value = object.get(name);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : "";
  }

  private static String tags() {
    Map<String, Object> model =
        Map.of(
            "name", MODEL,
            "model", MODEL,
            "modified_at", "2026-01-01T00:00:00Z",
            "size", 1_000_000,
            "digest", "0000000000000000000000000000000000000000000000000000000000000000",
            "details",
                Map.of(
                    "format", "gguf",
                    "family", "snooze",
                    "parameter_size", "0B",
                    "quantization_level", "none"));
    return GSON.toJson(Map.of("models", List.of(model)));
  }

  private static void text(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
    } else {
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    JsonObject body = new JsonObject();
    body.addProperty("error", message);
    LoopbackServer.sendJson(exchange, status, GSON.toJson(body));
  }
}
