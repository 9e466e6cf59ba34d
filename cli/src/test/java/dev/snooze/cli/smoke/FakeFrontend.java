package dev.snooze.cli.smoke;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A frontend on loopback for the smoke's edge cases: {@code /snooze/status} answers a script of
 * Status bodies (each read takes the next; the last one repeats), the APIs answer what a test puts
 * in, and every request's path and Authorization header are kept.
 */
final class FakeFrontend implements AutoCloseable {
  static final List<String> STAGES = List.of("provisioning", "booting", "driver", "pulling-image",
      "starting-container", "loading-model", "ready");

  /** A request as it arrived. */
  record Seen(String method, String path, String authorization, String body) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Deque<Reply> statuses = new ArrayDeque<>();
  private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  /** Released on close: handlers that stall wait on it. */
  final CountDownLatch closed = new CountDownLatch(1);

  /** One answer: status, content type, body, and headers. */
  record Reply(int status, String contentType, String body, Map<String, String> headers) {
    static Reply json(String body) {
      return new Reply(200, "application/json", body, Map.of());
    }
  }

  FakeFrontend() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Seen> seen() {
    return seen;
  }

  /** From now on, Status reads answer these in turn, the last one for ever. */
  synchronized FakeFrontend statuses(Reply... replies) {
    statuses.clear();
    statuses.addAll(List.of(replies));
    return this;
  }

  FakeFrontend route(String path, HttpHandler handler) {
    routes.put(path, handler);
    return this;
  }

  /** Ollama's {@code /api/tags} and a streamed {@code /api/generate} of these pieces. */
  FakeFrontend ollama(String... pieces) {
    route("/api/tags", exchange -> send(exchange, Reply.json(
        "{\"models\":[{\"name\":\"snooze-demo:latest\"},{\"name\":\"other:latest\"}]}")));
    route("/api/generate", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream body = exchange.getResponseBody()) {
        for (String piece : pieces) {
          JsonObject line = new JsonObject();
          line.addProperty("model", "snooze-demo:latest");
          line.addProperty("response", piece);
          line.addProperty("done", false);
          write(body, line + "\n");
        }
        write(body, "{\"model\":\"snooze-demo:latest\",\"response\":\"\",\"done\":true}\n");
      }
    });
    return this;
  }

  /** OpenAI's {@code /v1/models} and a streamed {@code /v1/chat/completions} of these pieces. */
  FakeFrontend openAi(String... pieces) {
    route("/v1/models", exchange -> send(exchange, Reply.json(
        "{\"object\":\"list\",\"data\":[{\"id\":\"snooze-demo:latest\",\"object\":\"model\"}]}")));
    route("/v1/chat/completions", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream body = exchange.getResponseBody()) {
        write(body, ": a comment\n\n");
        for (String piece : pieces) {
          JsonObject delta = new JsonObject();
          delta.addProperty("content", piece);
          JsonObject choice = new JsonObject();
          choice.add("delta", delta);
          JsonArray choices = new JsonArray();
          choices.add(choice);
          JsonObject chunk = new JsonObject();
          chunk.add("choices", choices);
          write(body, "data: " + chunk + "\n\n");
        }
        write(body, "data: [DONE]\n\n");
      }
    });
    return this;
  }

  static void write(OutputStream body, String text) throws IOException {
    body.write(text.getBytes(StandardCharsets.UTF_8));
    body.flush();
  }

  static void send(HttpExchange exchange, Reply reply) throws IOException {
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream body = exchange.getResponseBody()) {
      body.write(bytes);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    seen.add(new Seen(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"), body));
    try {
      if (path.equals("/snooze/status")) {
        send(exchange, nextStatus());
        return;
      }
      HttpHandler route = routes.get(path);
      if (route == null) {
        send(exchange, new Reply(404, "application/json", "{\"error\":\"no route " + path + "\"}", Map.of()));
        return;
      }
      route.handle(exchange);
    } finally {
      exchange.close();
    }
  }

  private synchronized Reply nextStatus() {
    return statuses.size() > 1 ? statuses.poll() : statuses.peek();
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    threads.shutdownNow();
  }

  // Status bodies, as the frontend serves them: Status's own JSON under "function".

  static Reply phase(String phase) {
    return frontendStatus(view(phase, null, null));
  }

  static Reply waking(String stage) {
    return frontendStatus(view("WAKING", stage, null));
  }

  static Reply awake() {
    return frontendStatus(view("AWAKE", "ready", null));
  }

  static Reply failing(String phase, String code, String message) {
    JsonObject error = new JsonObject();
    error.addProperty("code", code);
    error.addProperty("message", message);
    error.addProperty("at", "2026-01-01T00:00:00Z");
    return frontendStatus(view(phase, phase.equals("ERROR") ? "provisioning" : null, error));
  }

  /** The frontend's answer when it has no Status to show. */
  static Reply noFunction() {
    JsonObject body = frontendBody();
    body.add("function", JsonNull.INSTANCE);
    return Reply.json(body.toString());
  }

  static Reply frontendStatus(JsonObject view) {
    JsonObject body = frontendBody();
    body.add("function", view);
    return Reply.json(body.toString());
  }

  private static JsonObject frontendBody() {
    JsonObject backend = new JsonObject();
    backend.addProperty("ready", false);
    backend.addProperty("since", "2026-01-01T00:00:00Z");
    JsonObject body = new JsonObject();
    body.add("backend", backend);
    body.addProperty("pending", 0);
    body.addProperty("expectedWakeSeconds", 20);
    body.addProperty("wakeOn", "send");
    return body;
  }

  /** Status's own JSON, as far as the smoke reads it; {@code stage} null: no wake under way. */
  static JsonObject view(String phase, String stage, JsonObject lastError) {
    JsonObject view = new JsonObject();
    view.addProperty("phase", phase);
    view.addProperty("since", "2026-01-01T00:00:00Z");
    view.add("lastError", lastError == null ? JsonNull.INSTANCE : lastError);
    view.addProperty("offer", stage == null ? null : "snooze-gpu");
    if (stage == null) {
      view.add("boot", JsonNull.INSTANCE);
      return view;
    }
    JsonObject boot = new JsonObject();
    boot.addProperty("stage", stage);
    boot.addProperty("etaSeconds", stage.equals("ready") ? 0 : 12);
    JsonArray stages = new JsonArray();
    int current = STAGES.indexOf(stage);
    for (int i = 0; i < STAGES.size(); i++) {
      JsonObject s = new JsonObject();
      s.addProperty("name", STAGES.get(i));
      boolean ready = STAGES.get(i).equals("ready");
      s.addProperty("state", i < current || (i == current && ready) ? "done" : i == current ? "current" : "pending");
      if (i < current) {
        s.addProperty("seconds", 1.5);
      }
      stages.add(s);
    }
    boot.add("stages", stages);
    view.add("boot", boot);
    return view;
  }
}
