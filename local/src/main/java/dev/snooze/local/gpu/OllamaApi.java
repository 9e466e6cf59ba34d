package dev.snooze.local.gpu;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.snooze.local.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The subset of Ollama's HTTP API that Snooze proxies and probes: {@code GET /} ("Ollama is
 * running", the usual health check, which answers whether or not the model is loaded),
 * {@code /api/version}, {@code /api/tags}, {@code /api/ps} (the loaded model and when it
 * unloads), and {@code /api/generate} and {@code /api/chat}, streamed as NDJSON one token per
 * line with real pauses between tokens, or whole with {@code "stream": false}. A request waits
 * for the model to load (see {@link ModelMemory}); one without a prompt (or messages) only loads
 * it, Ollama's warm-up, or with {@code "keep_alive": 0} unloads it. Under {@code /v1/} the same
 * server speaks the OpenAI-compatible API ({@link OpenAiApi}). Field names follow Ollama's.
 *
 * <p>One instance serves one VM: its model memory and its queue ({@link Admission}) are that VM's.
 * A generation (or load) request the queue cannot take gets Ollama's 503
 * {@code {"error":"server busy, please try again.  maximum pending requests exceeded"}}; the
 * health check, tags and ps are never queued.
 */
final class OllamaApi implements HttpHandler {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Duration tokenInterval;
  private final Clock clock;
  private final ModelMemory memory;
  private final Admission admission;
  private final OpenAiApi openAi;

  /** A VM whose model is loaded at once and never unloaded. */
  OllamaApi(Duration tokenInterval, Clock clock) {
    this(tokenInterval, clock, new ModelMemory("vm", ModelSettings.instant(), clock, ModelMemory.LoadWait.SLEEP));
  }

  /** A VM that takes any number of requests at once. */
  OllamaApi(Duration tokenInterval, Clock clock, ModelMemory memory) {
    this(tokenInterval, clock, memory, new Admission(Concurrency.UNLIMITED));
  }

  OllamaApi(Duration tokenInterval, Clock clock, ModelMemory memory, Admission admission) {
    this.tokenInterval = tokenInterval;
    this.clock = clock;
    this.memory = memory;
    this.admission = admission;
    this.openAi = new OpenAiApi(tokenInterval, clock, memory, admission);
  }

  /** The API of one simulated VM, with a model memory of its own that loads in real time and its queue. */
  static OllamaApi forVm(String vm, Duration tokenInterval, ModelSettings model, Admission admission) {
    Clock clock = Clock.systemUTC();
    return new OllamaApi(tokenInterval, clock, new ModelMemory(vm, model, clock, ModelMemory.LoadWait.SLEEP),
        admission);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    if (path.startsWith("/v1/")) {
      openAi.handle(exchange);
      return;
    }
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
        case "/api/ps" -> LoopbackServer.sendJson(exchange, 200, ps());
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
    JsonObject request = RequestJson.object(exchange);
    if (request == null) {
      error(exchange, 400, "invalid JSON body");
      return;
    }
    String model = RequestJson.string(request, "model");
    if (model.isEmpty()) {
      error(exchange, 400, "model is required");
      return;
    }
    if (!memory.settings().serves(model)) {
      error(exchange, 404, "model '" + model + "' not found");
      return;
    }
    if (!RequestJson.absentOrBoolean(request, "stream")) {
      error(exchange, 400, "stream must be true or false");
      return;
    }
    Duration keepAlive;
    try {
      keepAlive = keepAlive(request.get("keep_alive"));
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
      return;
    }
    JsonArray messages = request.has("messages") && request.get("messages").isJsonArray()
        ? request.getAsJsonArray("messages") : new JsonArray();
    String prompt = chat ? RequestJson.lastUserMessage(messages) : RequestJson.string(request, "prompt");
    boolean loadOnly = chat ? messages.isEmpty() : prompt.isEmpty();
    if (loadOnly && keepAlive != null && keepAlive.isZero()) {
      unload(exchange, model, chat); // Ollama expires the model without scheduling: never queued
      return;
    }
    long started = System.nanoTime();
    Optional<Admission.Ticket> entered = admission.enter();
    if (entered.isEmpty()) {
      error(exchange, 503, Admission.BUSY);
      return;
    }
    try (Admission.Ticket ticket = entered.get()) {
      if (loadOnly) {
        load(exchange, model, chat, keepAlive);
        return;
      }
      int promptTokens = StandInModel.promptTokens(chat ? RequestJson.allMessages(messages) : prompt);
      List<String> tokens = StandInModel.answer(prompt);
      boolean stream = RequestJson.flag(request, "stream", true);
      // Ollama's order: the scheduler loads the model, then the request waits for a parallel slot.
      try (ModelMemory.Lease lease = memory.use(keepAlive)) {
        long queuedFrom = System.nanoTime();
        ticket.awaitSlot();
        Usage usage = new Usage(promptTokens, tokens.size(), started, lease.loadNanos(), System.nanoTime() - queuedFrom);
        if (!stream) {
          StandInModel.generate(tokenInterval, tokens.size());
          JsonObject done = done(model, chat, String.join("", tokens), usage);
          LoopbackServer.sendJson(exchange, 200, GSON.toJson(done));
          ticket.answered();
          return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          for (String token : tokens) {
            StandInModel.generate(tokenInterval, 1);
            writeLine(out, chunk(model, chat, token));
          }
          writeLine(out, done(model, chat, "", usage));
        }
        ticket.answered();
      }
    }
  }

  /**
   * Ollama's answer to a request without a prompt: it loads the model (the warm-up a deployment
   * sends so the first user does not wait for the load). It takes a place in the queue while it
   * waits for the load, but no generation slot.
   */
  private void load(HttpExchange exchange, String model, boolean chat, Duration keepAlive) throws IOException {
    memory.use(keepAlive).close();
    loadOnlyDone(exchange, model, chat, "load");
  }

  /** A request without a prompt and with {@code keep_alive} 0: unloads the model (once the requests using it end). */
  private void unload(HttpExchange exchange, String model, boolean chat) throws IOException {
    memory.unload();
    loadOnlyDone(exchange, model, chat, "unload");
  }

  private void loadOnlyDone(HttpExchange exchange, String model, boolean chat, String reason) throws IOException {
    JsonObject line = chunk(model, chat, "");
    line.addProperty("done", true);
    line.addProperty("done_reason", reason);
    LoopbackServer.sendJson(exchange, 200, GSON.toJson(line));
  }

  /**
   * A request's {@code keep_alive} as Ollama reads it: a number of seconds or a duration string;
   * null when absent (the server's default applies).
   *
   * @throws IllegalArgumentException with Ollama's message when it is neither
   */
  static Duration keepAlive(JsonElement value) {
    if (value == null || value.isJsonNull()) {
      return null;
    }
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
      return ModelSettings.ofSeconds(value.getAsDouble());
    }
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      String text = value.getAsString();
      return ModelSettings.parseKeepAlive(text).orElseThrow(
          () -> new IllegalArgumentException("time: invalid duration \"" + text + "\""));
    }
    throw new IllegalArgumentException("Unsupported type: keep_alive must be a number of seconds or a duration such as \"5m\"");
  }

  /** The counts and times of the last line; {@code queuedNanos}: the wait for a generation slot. */
  private record Usage(int promptTokens, int tokens, long startedNanos, long loadNanos, long queuedNanos) {}

  // A client that went away makes the write fail: the stream simply ends, as Ollama's does.
  private static void writeLine(OutputStream out, JsonObject line) throws IOException {
    out.write((GSON.toJson(line) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
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

  private JsonObject done(String model, boolean chat, String text, Usage usage) {
    JsonObject line = chunk(model, chat, text);
    long total = System.nanoTime() - usage.startedNanos();
    line.addProperty("done", true);
    line.addProperty("done_reason", "stop");
    line.addProperty("total_duration", total);
    line.addProperty("load_duration", usage.loadNanos());
    line.addProperty("prompt_eval_count", usage.promptTokens());
    line.addProperty("prompt_eval_duration", 0);
    line.addProperty("eval_count", usage.tokens());
    line.addProperty("eval_duration", total - usage.loadNanos() - usage.queuedNanos());
    return line;
  }

  private static JsonObject message(String content) {
    JsonObject message = new JsonObject();
    message.addProperty("role", "assistant");
    message.addProperty("content", content);
    return message;
  }

  private String tags() {
    return GSON.toJson(Map.of("models", List.of(describe())));
  }

  /** The loaded model, as {@code /api/ps} lists it, with when it unloads. */
  private String ps() {
    JsonArray models = new JsonArray();
    memory.loaded().ifPresent(loaded -> {
      JsonObject model = GSON.toJsonTree(describe()).getAsJsonObject();
      model.remove("modified_at");
      // Ollama shows a model that never unloads as expiring in about 292 years (its max duration).
      Instant expires = loaded.expiresAt() != null
          ? loaded.expiresAt() : clock.instant().plus(Duration.ofNanos(Long.MAX_VALUE));
      model.addProperty("expires_at", OffsetDateTime.ofInstant(expires, ZoneOffset.UTC).toString());
      model.addProperty("size_vram", 1_000_000);
      models.add(model);
    });
    JsonObject body = new JsonObject();
    body.add("models", models);
    return GSON.toJson(body);
  }

  private Map<String, Object> describe() {
    String name = memory.settings().name();
    return Map.of(
            "name", name,
            "model", name,
            "modified_at", "2026-01-01T00:00:00Z",
            "size", 1_000_000,
            "digest", "0000000000000000000000000000000000000000000000000000000000000000",
            "details",
                Map.of(
                    "format", "gguf",
                    "family", "snooze",
                    "parameter_size", "0B",
                    "quantization_level", "none"));
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
