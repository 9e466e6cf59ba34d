package dev.snooze.local.emulators;

import com.google.gson.JsonObject;
import dev.snooze.config.GcpNames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * The few Pub/Sub admin calls the local stack needs, over the emulator's REST surface: plain
 * JDK HTTP, so that no gRPC client (and no credentials lookup) is needed at runtime.
 */
public final class PubsubEmulatorAdmin {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String host;
  private final String project;
  private final HttpClient http;

  public PubsubEmulatorAdmin(String host, String project) {
    this.host = Objects.requireNonNull(host, "host");
    this.project = Objects.requireNonNull(project, "project");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  /** "127.0.0.1:PORT" of the emulator. */
  public String host() {
    return host;
  }

  public String project() {
    return project;
  }

  public String topicPath(String topic) {
    return "projects/" + project + "/topics/" + checkId("topic", topic);
  }

  public String subscriptionPath(String subscription) {
    return "projects/" + project + "/subscriptions/" + checkId("subscription", subscription);
  }

  /** Creates the topic; an existing one is fine. Returns true when it was created now. */
  public boolean createTopic(String topic) {
    HttpResponse<String> response = send("PUT", topicPath(topic), "{}");
    if (response.statusCode() == 409) {
      return false;
    }
    expectOk(response, "create topic " + topic);
    return true;
  }

  /** Creates a push subscription; fails if one of that name exists (its config might differ). */
  /** @return false, creating nothing, when a subscription of that name exists already */
  public boolean createPushSubscription(
      String subscription, String topic, URI pushEndpoint, int ackDeadlineSeconds) {
    if (ackDeadlineSeconds < 10 || ackDeadlineSeconds > 600) {
      throw new IllegalArgumentException(
          "ackDeadlineSeconds must be within 10..600 as in Pub/Sub, got " + ackDeadlineSeconds);
    }
    JsonObject pushConfig = new JsonObject();
    pushConfig.addProperty("pushEndpoint", pushEndpoint.toString());
    JsonObject body = new JsonObject();
    body.addProperty("topic", topicPath(topic));
    body.add("pushConfig", pushConfig);
    body.addProperty("ackDeadlineSeconds", ackDeadlineSeconds);
    HttpResponse<String> response = send("PUT", subscriptionPath(subscription), body.toString());
    if (response.statusCode() == 409) {
      return false;
    }
    expectOk(response, "create subscription " + subscription);
    return true;
  }

  /** Deletes the subscription; a missing one is fine. */
  public void deleteSubscription(String subscription) {
    HttpResponse<String> response = send("DELETE", subscriptionPath(subscription), null);
    if (response.statusCode() != 404) {
      expectOk(response, "delete subscription " + subscription);
    }
  }

  private HttpResponse<String> send(String method, String path, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + host + "/v1/" + path)).timeout(TIMEOUT);
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      // Without this content type the emulator reads the body as a form and rejects it.
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new EmulatorException(
          "Pub/Sub emulator at " + host + " unreachable for " + method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmulatorException("Interrupted during " + method + " " + path, e);
    }
  }

  private void expectOk(HttpResponse<String> response, String what) {
    if (response.statusCode() / 100 != 2) {
      throw new EmulatorException(
          "Pub/Sub emulator at " + host + " refused to " + what + ": HTTP " + response.statusCode()
              + " " + response.body());
    }
  }

  private static String checkId(String kind, String id) {
    if (id == null || !GcpNames.TOPIC.matcher(id).matches() || id.startsWith("goog")) {
      throw new IllegalArgumentException(
          "Invalid " + kind + " id \"" + id + "\": 3-255 characters, starting with a letter, from "
              + "letters, digits and - _ . ~ + %, not starting with \"goog\"");
    }
    return id;
  }
}
