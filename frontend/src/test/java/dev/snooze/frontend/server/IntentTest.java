package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.frontend.activity.ManualScheduler;
import dev.snooze.frontend.activity.PubsubActivity;
import dev.snooze.frontend.activity.RecordingSink;
import dev.snooze.frontend.activity.Scheduler;
import dev.snooze.logging.JsonLog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /snooze/intent} through the real publisher's pacing, to a recording sink: what the
 * page's "open" or "typing" publishes under each {@code SNOOZE_WAKE_ON}, a reload storm, and bad
 * input (refused, nothing published).
 */
class IntentTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final RecordingSink sink = new RecordingSink();
  private Vertx vertx;
  private Fixtures.Backend backend;
  private PubsubActivity activity;
  private FrontendServer frontend;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    backend = new Fixtures.Backend(vertx, 0, request -> request.response().end("{}"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (activity != null) {
      activity.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void start(Map<String, String> overrides) throws Exception {
    // Publishing runs on the caller's thread: once an answer is in, so is what it published. The
    // clock stands still: every intent of a test falls in one debounce window.
    Scheduler direct = new ManualScheduler(true);
    JsonLog quiet = new JsonLog("activity", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    // The frontend's default debounce window: 30 s.
    activity = new PubsubActivity(new PubsubActivity.Settings("fe-test", Duration.ofSeconds(30), Duration.ofSeconds(1),
        Duration.ofSeconds(30), 100, Duration.ofSeconds(2)), sink, direct, quiet);
    frontend = Fixtures.frontend(vertx, Fixtures.config(backend.port(), overrides), activity);
  }

  private HttpRequest.Builder intentRequest() {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontend.port() + "/snooze/intent"))
        .timeout(Duration.ofSeconds(10));
  }

  /** As the page sends it. */
  private CompletableFuture<HttpResponse<String>> intent(String body) {
    return http.sendAsync(intentRequest().header("Content-Type", "application/json")
        .header("Sec-Fetch-Site", "same-origin")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject status() throws Exception {
    return new JsonObject(send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + frontend.port() + "/snooze/status")).build()).body());
  }

  @Test
  void openingThePagePublishesOneIntentAndNothingElse() throws Exception {
    start(Map.of());
    assertThat(status().getString("wakeOn")).as("what the page learns").isEqualTo("open");

    HttpResponse<String> response = intent("{\"trigger\":\"open\"}").get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
    assertThat(sink.messages()).containsExactly(ActivityMessage.intent("fe-test"));
    assertThat(activity.inFlight()).as("never a request in flight").isZero();
    assertThat(backend.requests).as("never sent to the GPU").isEmpty();
    assertThat(status().getInteger("pending")).isZero();
  }

  @Test
  void aStormOfFiftyOpensPublishesOne() throws Exception {
    start(Map.of());
    List<CompletableFuture<HttpResponse<String>>> storm = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      storm.add(intent("{\"trigger\":\"open\"}"));
    }
    for (CompletableFuture<HttpResponse<String>> answer : storm) {
      assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
    }
    assertThat(sink.messages()).containsExactly(ActivityMessage.intent("fe-test"));
  }

  @Test
  void sendModePublishesNone() throws Exception {
    start(Map.of("SNOOZE_WAKE_ON", "send"));
    assertThat(status().getString("wakeOn")).isEqualTo("send");
    assertThat(intent("{\"trigger\":\"open\"}").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
    assertThat(intent("{\"trigger\":\"typing\"}").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
    assertThat(sink.messages()).isEmpty();
  }

  @Test
  void typingModePublishesOnTypingOnly() throws Exception {
    start(Map.of("SNOOZE_WAKE_ON", "typing"));
    assertThat(status().getString("wakeOn")).isEqualTo("typing");
    assertThat(intent("{\"trigger\":\"open\"}").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
    assertThat(sink.messages()).as("opening is not typing").isEmpty();
    assertThat(intent("{\"trigger\":\"typing\"}").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
    assertThat(sink.messages()).containsExactly(ActivityMessage.intent("fe-test"));
  }

  static Stream<Arguments> badBodies() {
    String expected = "the body must be {\\\"trigger\\\":\\\"open\\\"} or {\\\"trigger\\\":\\\"typing\\\"}";
    return Stream.of(
        Arguments.of("", expected),
        Arguments.of("{", expected),
        Arguments.of("not json", expected),
        Arguments.of("[\"open\"]", expected),
        Arguments.of("\"open\"", expected),
        Arguments.of("{}", expected),
        Arguments.of("{\"trigger\":null}", expected),
        Arguments.of("{\"trigger\":1}", expected),
        Arguments.of("{\"trigger\":[\"open\"]}", expected),
        Arguments.of("{\"trigger\":\"reload\"}", "unknown trigger \\\"reload\\\""),
        Arguments.of("{\"trigger\":\"send\"}", "unknown trigger \\\"send\\\""),
        Arguments.of("{\"trigger\":\"OPEN\"}", "unknown trigger \\\"OPEN\\\""),
        Arguments.of("{\"trigger\":\"" + "x".repeat(500) + "\"}", "unknown trigger \\\"" + "x".repeat(40) + "…\\\""));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badBodies")
  void aBadBodyIs400AndPublishesNothing(String body, String error) throws Exception {
    start(Map.of());
    HttpResponse<String> response = intent(body).get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(response.body()).startsWith("{\"error\":\"").contains(error);
    assertThat(sink.messages()).isEmpty();
    // Nothing was spent either: the next good one still publishes.
    assertThat(intent("{\"trigger\":\"open\"}").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
    assertThat(sink.messages()).hasSize(1);
  }

  @Test
  void onlyThisSitesPageMaySayIt() throws Exception {
    start(Map.of());
    String open = "{\"trigger\":\"open\"}";
    HttpResponse<String> crossSite = send(intentRequest().header("Content-Type", "application/json")
        .header("Sec-Fetch-Site", "cross-site").POST(HttpRequest.BodyPublishers.ofString(open)).build());
    assertThat(crossSite.statusCode()).isEqualTo(403);
    HttpResponse<String> sameSite = send(intentRequest().header("Content-Type", "application/json")
        .header("Sec-Fetch-Site", "same-site").POST(HttpRequest.BodyPublishers.ofString(open)).build());
    assertThat(sameSite.statusCode()).isEqualTo(403);
    // What a cross-site form can send without a CORS preflight.
    HttpResponse<String> form = send(intentRequest().header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(open)).build());
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(form.body()).contains("Content-Type must be application/json");
    HttpResponse<String> get = send(intentRequest().GET().build());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    HttpResponse<String> big = send(intentRequest().header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"trigger\":\"open\",\"pad\":\"" + "x".repeat(2000) + "\"}")).build());
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(sink.messages()).isEmpty();

    // An API client without Sec-Fetch-Site (curl, a script) is like the page.
    HttpResponse<String> plain = send(intentRequest().header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(open)).build());
    assertThat(plain.statusCode()).isEqualTo(204);
    assertThat(sink.messages()).hasSize(1);
  }
}
