package dev.snooze.frontend.iap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IapHandler in front of trivial routes on a real Vert.x server, called over real HTTP. */
class IapHandlerTest {
  private static IapTestKit kit;
  private static IapTestKit.Key key;
  private static Vertx vertx;
  private static HttpServer server;
  private static IapVerifier verifier;
  private static HttpClient client;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    kit = new IapTestKit();
    key = kit.serve(IapTestKit.newKey("key-1"));
    verifier = kit.verifier();
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(new IapHandler(vertx, verifier));
    router.get("/ok").handler(ctx -> {
      IapIdentity identity = IapHandler.identity(ctx);
      ctx.json(new io.vertx.core.json.JsonObject()
          .put("email", identity.email()).put("subject", identity.subject()));
    });
    router.post("/echo").handler(BodyHandler.create()).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain").end(ctx.body().buffer()));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    kit.close();
  }

  @BeforeEach
  void healthyKeys() {
    kit.broken = false;
    kit.gate = null;
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertUnauthorized(HttpResponse<String> response, String error) {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(response.body()).isEqualTo("{\"error\":\"" + error + "\"}");
  }

  @Test
  void validAssertionReachesTheRouteWithTheIdentity() throws Exception {
    HttpResponse<String> response = get("/ok", IapHandler.HEADER, kit.token(key));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"email\":\"" + IapTestKit.EMAIL + "\"")
        .contains("\"subject\":\"" + IapTestKit.SUBJECT + "\"");
    // the same token again: answered from memory, same result
    String token = kit.token(key);
    assertThat(get("/ok", IapHandler.HEADER, token).statusCode()).isEqualTo(200);
    assertThat(get("/ok", IapHandler.HEADER, token).statusCode()).isEqualTo(200);
  }

  @Test
  void identityComesFromTheAssertionOnlyNotFromIapsUnsignedHeaders() throws Exception {
    HttpResponse<String> response = get("/ok", IapHandler.HEADER, kit.token(key),
        "x-goog-authenticated-user-email", "accounts.google.com:mallory@example.com",
        "x-goog-authenticated-user-id", "accounts.google.com:666");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains(IapTestKit.EMAIL).doesNotContain("mallory");
  }

  @Test
  void missingHeader() throws Exception {
    assertUnauthorized(get("/ok"), "missing IAP assertion");
  }

  @Test
  void unsignedHeadersAloneAreNotEnough() throws Exception {
    assertUnauthorized(get("/ok", "x-goog-authenticated-user-email",
        "accounts.google.com:alice@example.com"), "missing IAP assertion");
  }

  @Test
  void validTokenInAnotherHeaderOnly() throws Exception {
    String token = kit.token(key);
    HttpResponse<String> response = get("/ok", "Authorization", "Bearer " + token,
        "x-goog-iap-jwt-assertion-copy", token);
    assertUnauthorized(response, "missing IAP assertion");
  }

  @Test
  void garbage() throws Exception {
    HttpResponse<String> response = get("/ok", IapHandler.HEADER, "not-a-jwt");
    assertUnauthorized(response, "invalid IAP assertion");
  }

  @Test
  void expired() throws Exception {
    JsonObject claims = kit.claims();
    claims.addProperty("iat", kit.now() - 1200);
    claims.addProperty("exp", kit.now() - 600);
    String token = kit.token(key, claims);
    HttpResponse<String> response = get("/ok", IapHandler.HEADER, token);
    assertUnauthorized(response, "expired IAP assertion");
    assertThat(response.body()).doesNotContain(token);
  }

  @Test
  void issuedInTheFuture() throws Exception {
    JsonObject claims = kit.claims();
    claims.addProperty("iat", kit.now() + 300);
    claims.addProperty("exp", kit.now() + 900);
    assertUnauthorized(get("/ok", IapHandler.HEADER, kit.token(key, claims)),
        "invalid IAP assertion");
  }

  @Test
  void wrongAudience() throws Exception {
    JsonObject claims = kit.claims();
    claims.addProperty("aud", "/projects/1/global/backendServices/2");
    assertUnauthorized(get("/ok", IapHandler.HEADER, kit.token(key, claims)),
        "invalid IAP assertion");
  }

  @Test
  void wrongIssuer() throws Exception {
    JsonObject claims = kit.claims();
    claims.addProperty("iss", "https://evil.example.com");
    assertUnauthorized(get("/ok", IapHandler.HEADER, kit.token(key, claims)),
        "invalid IAP assertion");
  }

  @Test
  void algNone() throws Exception {
    assertUnauthorized(get("/ok", IapHandler.HEADER, kit.unsigned(key)), "invalid IAP assertion");
    assertUnauthorized(get("/ok", IapHandler.HEADER, kit.unsigned(key) + "AAAA"),
        "invalid IAP assertion");
  }

  @Test
  void badSignature() throws Exception {
    assertUnauthorized(get("/ok", IapHandler.HEADER, kit.token(IapTestKit.newKey(key.kid()))),
        "invalid IAP assertion");
  }

  @Test
  void unknownKid() throws Exception {
    assertUnauthorized(get("/ok", IapHandler.HEADER, kit.token(IapTestKit.newKey("nope"))),
        "invalid IAP assertion");
  }

  @Test
  void keysUnavailableIs503NotAnAuthFailure() throws Exception {
    IapVerifier fresh = kit.verifier(); // empty key cache
    Vertx local = Vertx.vertx();
    try {
      Router router = Router.router(local);
      router.route().handler(new IapHandler(local, fresh));
      router.get("/ok").handler(ctx -> ctx.end("ok"));
      HttpServer other = local.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
      kit.broken = true;
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + other.actualPort() + "/ok"))
          .header(IapHandler.HEADER, kit.token(key)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("retry-after")).hasValue("5");
      assertThat(response.body()).isEqualTo("{\"error\":\"IAP public keys unavailable\"}");
    } finally {
      local.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void requestBodySurvivesTheAsynchronousVerification() throws Exception {
    String body = "{\"model\":\"m\",\"prompt\":\"" + "x".repeat(200_000) + "\"}";
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
            .header(IapHandler.HEADER, kit.token(key, withEmail("body@example.com")))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
  }

  @Test
  void refusedUploadIsAnsweredAtOnce() throws Exception {
    String body = "y".repeat(300_000);
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
            .timeout(Duration.ofSeconds(5))
            .header(IapHandler.HEADER, kit.token(IapTestKit.newKey(key.kid())))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertUnauthorized(response, "invalid IAP assertion");
    assertThat(get("/ok", IapHandler.HEADER, kit.token(key)).statusCode()).isEqualTo(200);
  }

  @Test
  void aSlowKeyFetchDoesNotStallOtherRequests() throws Exception {
    String known = kit.token(key);
    assertThat(get("/ok", IapHandler.HEADER, known).statusCode()).isEqualTo(200);
    // A new kid forces a key refresh, held at the key URL until the test lets it go...
    CountDownLatch keyUrl = new CountDownLatch(1);
    kit.gate = keyUrl;
    int fetches = kit.fetches.get();
    IapTestKit.Key rotated = kit.serve(IapTestKit.newKey("key-slow"));
    CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
        HttpRequest.newBuilder(URI.create(base + "/ok"))
            .header(IapHandler.HEADER, kit.token(rotated)).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(30)).until(() -> kit.fetches.get() > fetches);
    try {
      // ... meanwhile other users are served: were they queued behind the fetch, they would wait
      // for the gate, which opens only after them.
      for (int i = 0; i < 5; i++) {
        assertThat(get("/ok", IapHandler.HEADER, known).statusCode()).isEqualTo(200);
      }
      assertThat(slow.isDone()).isFalse();
    } finally {
      keyUrl.countDown();
    }
    assertThat(slow.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  private static JsonObject withEmail(String email) {
    JsonObject claims = kit.claims();
    claims.addProperty("email", email);
    return claims;
  }
}
