package dev.snooze.local.eventarc;

import dev.snooze.logging.JsonLog;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.http.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local Eventarc for Pub/Sub triggers. The emulator pushes Pub/Sub's wrapped format to this
 * bridge; the bridge POSTs the binary-mode CloudEvent Eventarc would send to the function and
 * answers the push with the function's outcome, so the emulator redelivers failures
 * (at-least-once, as in GCP). Each route has its own push subscription and endpoint path.
 */
public final class EventarcBridge implements AutoCloseable {
  private static final String PUSH_PATH = "/push/";
  // Pub/Sub's 10 MB message limit, base64-inflated, plus the envelope.
  private static final int MAX_PUSH_BYTES = 16 * 1024 * 1024;

  private final PubsubEmulatorAdmin admin;
  private final String project;
  private final BridgeConfig config;
  private final JsonLog log;
  private final HttpClient http;
  private final Map<String, Route> routesBySubscription = new ConcurrentHashMap<>();
  /**
   * Numbers the subscriptions of every bridge of this JVM: stacks that share an emulator at once (the
   * local module's tests run two at a time) must not pick the same name.
   */
  private static final AtomicInteger SUBSCRIPTION_COUNTER = new AtomicInteger();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong unreachable = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final LoopbackServer server;

  /**
   * What became of the pushes forwarded to functions so far, over every route: each failure is
   * a redelivery to come, so a test can tell that a function was really tried while it failed.
   *
   * @param delivered the function answered 2xx: acknowledged
   * @param failed the function answered another status (a thrown exception is a 500)
   * @param unreachable the function's port refused or reset the connection
   * @param timedOut the function did not answer within the function timeout
   */
  public record Deliveries(long delivered, long failed, long unreachable, long timedOut) {}

  private EventarcBridge(PubsubEmulatorAdmin admin, String project, BridgeConfig config, JsonLog log)
      throws IOException {
    this.admin = admin;
    this.project = project;
    this.config = config;
    this.log = log;
    // HTTP/1.1 only: an h2c upgrade attempt is pointless on loopback and some servers mishandle it.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.server = LoopbackServer.start(0, this::handle);
  }

  public static EventarcBridge start(PubsubEmulatorAdmin admin, String project) {
    return start(admin, project, BridgeConfig.defaults(), JsonLog.forComponent("eventarc"));
  }

  public static EventarcBridge start(PubsubEmulatorAdmin admin, String project, BridgeConfig config, JsonLog log) {
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(log, "log");
    if (project == null || !project.equals(admin.project())) {
      throw new IllegalArgumentException(
          "project \"" + project + "\" must be the admin's project \"" + admin.project() + "\"");
    }
    try {
      EventarcBridge bridge = new EventarcBridge(admin, project, config, log);
      log.info("Eventarc bridge listening", "endpoint", bridge.server.baseUrl(), "pubsub", admin.host());
      return bridge;
    } catch (IOException e) {
      throw new IllegalStateException("Could not start the Eventarc bridge on loopback: " + e.getMessage(), e);
    }
  }

  /** Routes {@code topic} to the function; the trigger is named after the topic. */
  public String route(String topic, URI functionUrl) {
    return route(topic, topic, functionUrl).subscription();
  }

  /**
   * Creates the topic if needed and a push subscription named as Eventarc names its own,
   * {@code eventarc-REGION-TRIGGER-sub-NNN}, pointing at this bridge.
   */
  public Route route(String trigger, String topic, URI functionUrl) {
    Objects.requireNonNull(functionUrl, "functionUrl");
    if (!"http".equals(functionUrl.getScheme()) && !"https".equals(functionUrl.getScheme())) {
      throw new IllegalArgumentException("functionUrl must be http(s)://..., got " + functionUrl);
    }
    admin.createTopic(topic);
    // A name taken already (by another JVM's stack on the same emulator) is skipped for the next.
    for (;;) {
      String subscription = "eventarc-" + config.region() + "-" + slug(trigger) + "-sub-"
          + String.format(Locale.ROOT, "%03d", SUBSCRIPTION_COUNTER.incrementAndGet());
      Route route = new Route(trigger, topic, subscription, functionUrl);
      routesBySubscription.put(subscription, route);
      boolean created;
      try {
        created = admin.createPushSubscription(
            subscription, topic, URI.create(server.baseUrl() + PUSH_PATH + subscription),
            (int) config.ackDeadline().toSeconds());
      } catch (RuntimeException e) {
        routesBySubscription.remove(subscription);
        throw e;
      }
      if (!created) {
        routesBySubscription.remove(subscription);
        continue;
      }
      log.info("Route created", "trigger", trigger, "topic", topic, "subscription", subscription,
          "function", functionUrl.toString());
      return route;
    }
  }

  public Deliveries deliveries() {
    return new Deliveries(delivered.get(), failed.get(), unreachable.get(), timedOut.get());
  }

  /** http://127.0.0.1:PORT of the push endpoint. */
  public String baseUrl() {
    return server.baseUrl();
  }

  /** Deletes the subscriptions it created, then stops listening. */
  @Override
  public void close() {
    List<String> subscriptions = new ArrayList<>(routesBySubscription.keySet());
    for (String subscription : subscriptions) {
      try {
        admin.deleteSubscription(subscription);
      } catch (RuntimeException e) {
        log.warning("Could not delete subscription", "subscription", subscription, "error", e.getMessage());
      }
      routesBySubscription.remove(subscription);
    }
    server.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      if (!path.startsWith(PUSH_PATH)) {
        reject(exchange, 404, "no such endpoint: " + path, log);
        return;
      }
      Route route = routesBySubscription.get(path.substring(PUSH_PATH.length()));
      if (route == null) {
        reject(exchange, 404, "no route for " + path, log);
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        reject(exchange, 405, "push endpoints accept POST only", log.with("subscription", route.subscription()));
        return;
      }
      byte[] body;
      try {
        body = LoopbackServer.readBody(exchange, MAX_PUSH_BYTES);
      } catch (LoopbackServer.BodyTooLargeException e) {
        reject(exchange, 413, e.getMessage(), log.with("subscription", route.subscription()));
        return;
      }
      PushedMessage pushed;
      try {
        pushed = PushedMessage.parse(body);
      } catch (MalformedPushException e) {
        reject(exchange, 400, "malformed push: " + e.getMessage(), log.with("subscription", route.subscription()));
        return;
      }
      deliver(exchange, route, pushed);
    } catch (RuntimeException e) {
      log.error("Bridge failure", "error", String.valueOf(e));
      LoopbackServer.sendJson(exchange, 500, error(500, "bridge failure: " + e));
    }
  }

  private void deliver(HttpExchange exchange, Route route, PushedMessage pushed) throws IOException {
    String subscriptionPath =
        pushed.subscription() != null ? pushed.subscription() : admin.subscriptionPath(route.subscription());
    MessagePublishedEvent event = MessagePublishedEvent.of(project, route.topic(), subscriptionPath, pushed);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(route.functionUrl())
            .timeout(config.functionTimeout())
            .POST(HttpRequest.BodyPublishers.ofString(event.body()));
    event.headers().forEach(request::header);
    JsonLog delivery = log.with(
        "subscription", route.subscription(), "messageId", pushed.messageId(), "function", route.functionUrl().toString());
    long start = System.nanoTime();
    int status;
    try {
      status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (HttpTimeoutException e) {
      timedOut.incrementAndGet();
      delivery.warning("Function timed out; the emulator will redeliver", "timeout", config.functionTimeout().toString());
      LoopbackServer.sendJson(exchange, 504, error(504, "function did not answer within " + config.functionTimeout()));
      return;
    } catch (IOException e) {
      unreachable.incrementAndGet();
      delivery.warning("Function unreachable; the emulator will redeliver", "error", describe(e));
      LoopbackServer.sendJson(exchange, 502, error(502, "function unreachable: " + describe(e)));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LoopbackServer.sendJson(exchange, 503, error(503, "bridge shutting down"));
      return;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (status / 100 == 2) {
      delivered.incrementAndGet();
      delivery.info("Event delivered", "status", status, "latencyMs", millis);
      LoopbackServer.sendJson(exchange, 204, "");
    } else {
      failed.incrementAndGet();
      delivery.warning("Function failed; the emulator will redeliver", "status", status, "latencyMs", millis);
      // The function's own status, so the emulator's view matches what the function said.
      LoopbackServer.sendJson(exchange, status, error(status, "function answered " + status));
    }
  }

  private void reject(HttpExchange exchange, int status, String message, JsonLog log) throws IOException {
    log.warning("Push rejected, nothing forwarded", "status", status, "reason", message);
    LoopbackServer.sendJson(exchange, status, error(status, message));
  }

  private static String error(int status, String message) {
    JsonObject error = new JsonObject();
    error.addProperty("code", status);
    error.addProperty("message", message);
    JsonObject root = new JsonObject();
    root.add("error", error);
    return root.toString();
  }

  private static String describe(IOException e) {
    // ConnectException often has no message; the class name is the useful part.
    return e.getMessage() == null ? e.getClass().getName() : e.getClass().getName() + ": " + e.getMessage();
  }

  /** Subscription ids allow letters, digits and -_.~+%; anything else becomes '-'. */
  private static String slug(String trigger) {
    if (trigger == null || trigger.isBlank()) {
      throw new IllegalArgumentException("trigger must not be blank");
    }
    String slug = trigger.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    return slug.length() > 200 ? slug.substring(0, 200) : slug;
  }
}
