package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.snooze.frontend.activity.CountingSignal;
import dev.snooze.frontend.iap.IapHandler;
import dev.snooze.frontend.iap.IapTestKit;
import dev.snooze.frontend.web.PageHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to the whole frontend as deployed (IAP on, the page, the proxy), on the wire: bad
 * IAP assertions, path traversal, unknown paths, oversized and malformed requests, ambiguous
 * framing, HTTP/1.0, garbage bytes. One line per case: the raw request, the status that must
 * come back (0: the connection closed without an answer), a part of its body, and whether it
 * may reach the backend. Nothing else reaches the backend or counts as activity, the frontend
 * itself never answers 5xx, and after each case it still answers good requests.
 */
class FrontendBadInputTest {
  private static final Pattern STATUS = Pattern.compile("^HTTP/\\d(?:\\.\\d)? (\\d{3})");
  private static final int MAX_BODY = 64 * 1024;

  private static final CountingSignal activity = new CountingSignal();
  private static final Map<String, String> tokens = new HashMap<>();
  private static Vertx vertx;
  private static IapTestKit kit;
  private static Fixtures.Backend backend;
  private static FrontendServer frontend;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    kit = new IapTestKit();
    IapTestKit.Key key = kit.serve(IapTestKit.newKey("key-1"));
    backend = new Fixtures.Backend(vertx, 0, request -> {
      switch (request.path()) {
        // Like Ollama: a JSON error for a body that is not JSON.
        case "/api/generate" -> request.body().onSuccess(body -> {
          try {
            new io.vertx.core.json.JsonObject(body);
            request.response().putHeader("Content-Type", "application/x-ndjson").end("{\"done\":true}\n");
          } catch (RuntimeException e) {
            request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                .end("{\"error\":\"invalid JSON from the client\"}");
          }
        });
        case "/api/echo" -> request.body().onSuccess(body -> request.response().end("{\"bytes\":" + body.length() + "}"));
        default -> request.response().setStatusCode(404).end("{\"error\":\"no such backend path\"}");
      }
    });
    frontend = new FrontendServer(vertx,
        Fixtures.config(backend.port(), Map.of(
            "SNOOZE_IAP_AUDIENCE", IapTestKit.AUDIENCE,
            "SNOOZE_MAX_BODY_BYTES", Integer.toString(MAX_BODY))),
        // The fixture page, with a hidden file and a folder for the traversal cases to miss.
        activity, new IapHandler(vertx, kit.verifier()), new PageHandler("page-fixture"))
        .listenPort(0).probeInterval(Duration.ofMillis(200))
        .start().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());

    IapTestKit.Key stranger = IapTestKit.newKey("key-1"); // same kid, a key IAP never published
    JsonObject expired = kit.claims();
    expired.addProperty("exp", kit.now() - 60);
    JsonObject future = kit.claims();
    future.addProperty("iat", kit.now() + 3600);
    JsonObject audience = kit.claims();
    audience.addProperty("aud", "/projects/1/global/backendServices/2");
    JsonObject issuer = kit.claims();
    issuer.addProperty("iss", "https://accounts.google.com");
    tokens.put("{token}", kit.token(key));
    tokens.put("{none}", kit.unsigned(key));
    tokens.put("{expired}", kit.token(key, expired));
    tokens.put("{future}", kit.token(key, future));
    tokens.put("{audience}", kit.token(key, audience));
    tokens.put("{issuer}", kit.token(key, issuer));
    tokens.put("{stranger}", kit.token(stranger));
    tokens.put("{unknownKid}", IapTestKit.sign(IapTestKit.header("ES256", "key-9"), kit.claims(), key.pair().getPrivate()));
    tokens.put("{hs256}", IapTestKit.sign(IapTestKit.header("HS256", "key-1"), kit.claims(), key.pair().getPrivate()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (kit != null) {
      kit.close();
    }
  }

  /** How far a case may go: nowhere, activity only (a body cut while streaming), or the backend. */
  enum Reach { NOTHING, ACTIVITY, BACKEND }

  record Case(String name, String request, int status, String inBody, Reach reach) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String AUTH = "x-goog-iap-jwt-assertion: {token}\r\n";

  /** A whole request; {@code headers} lines end with CRLF. */
  private static String request(String method, String target, String headers) {
    return method + " " + target + " HTTP/1.1\r\nHost: frontend.example\r\n" + headers + "Connection: close\r\n\r\n";
  }

  private static Case refused(String name, String request, int status, String inBody) {
    return new Case(name, request, status, inBody, Reach.NOTHING);
  }

  private static Case iap(String name, String assertionHeaders, String error) {
    return refused("IAP: " + name, request("GET", "/", assertionHeaders), 401, "{\"error\":\"" + error + "\"}");
  }

  private static Case page(String name, String target, int status, String inBody) {
    return refused(name, request("GET", target, AUTH), status, inBody);
  }

  static Stream<Case> cases() {
    String random = new String(randomBytes(4096), StandardCharsets.ISO_8859_1);
    return Stream.of(
        // IAP on: every assertion that is not IAP's own, valid now, for this audience, is a 401.
        iap("no assertion", "", "missing IAP assertion"),
        iap("empty assertion", "x-goog-iap-jwt-assertion: \r\n", "missing IAP assertion"),
        iap("a bearer token instead", "Authorization: Bearer {token}\r\n", "missing IAP assertion"),
        iap("unsigned identity headers only", "x-goog-authenticated-user-email: accounts.google.com:eve@example.com\r\n",
            "missing IAP assertion"),
        iap("garbage", "x-goog-iap-jwt-assertion: garbage\r\n", "invalid IAP assertion"),
        iap("three empty parts", "x-goog-iap-jwt-assertion: ..\r\n", "invalid IAP assertion"),
        iap("parts not base64url", "x-goog-iap-jwt-assertion: !!.??.##\r\n", "invalid IAP assertion"),
        iap("alg none, unsigned", "x-goog-iap-jwt-assertion: {none}\r\n", "invalid IAP assertion"),
        iap("alg HS256", "x-goog-iap-jwt-assertion: {hs256}\r\n", "invalid IAP assertion"),
        iap("expired", "x-goog-iap-jwt-assertion: {expired}\r\n", "expired IAP assertion"),
        iap("issued in the future", "x-goog-iap-jwt-assertion: {future}\r\n", "invalid IAP assertion"),
        iap("wrong audience", "x-goog-iap-jwt-assertion: {audience}\r\n", "invalid IAP assertion"),
        iap("wrong issuer", "x-goog-iap-jwt-assertion: {issuer}\r\n", "invalid IAP assertion"),
        iap("signed by another key with IAP's kid", "x-goog-iap-jwt-assertion: {stranger}\r\n", "invalid IAP assertion"),
        iap("unknown kid", "x-goog-iap-jwt-assertion: {unknownKid}\r\n", "invalid IAP assertion"),
        iap("a valid token with a byte changed", "x-goog-iap-jwt-assertion: {token}x\r\n", "invalid IAP assertion"),
        iap("6 KiB of base64", "x-goog-iap-jwt-assertion: " + "QUFB".repeat(1536) + "\r\n", "invalid IAP assertion"),
        iap("Latin-1 bytes", "x-goog-iap-jwt-assertion: \u00e9\u00e9.\u00e9.\u00e9\r\n", "invalid IAP assertion"),
        iap("a bad one first, a valid one second", "x-goog-iap-jwt-assertion: garbage\r\nx-goog-iap-jwt-assertion: {token}\r\n",
            "invalid IAP assertion"),
        refused("IAP: a bad assertion on the API", request("POST", "/api/generate",
            "x-goog-iap-jwt-assertion: {expired}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n").replace("\r\n\r\n", "\r\n\r\n{}"),
            401, "expired IAP assertion"),
        refused("IAP: a bad assertion on the status", request("GET", "/snooze/status", "x-goog-iap-jwt-assertion: {none}\r\n"),
            401, "invalid IAP assertion"),
        refused("IAP: no assertion on the intent", request("POST", "/snooze/intent",
            "Content-Type: application/json\r\nContent-Length: 18\r\n") + "{\"trigger\":\"open\"}",
            401, "missing IAP assertion"),
        // The page: never a file outside web/, never a hidden one.
        page("traversal", "/../../etc/passwd", 404, "Not Found"),
        page("encoded traversal", "/%2e%2e/%2e%2e/etc/passwd", 404, "Not Found"),
        page("double-encoded traversal", "/%252e%252e/%252e%252e/etc/passwd", 404, "Not Found"),
        page("backslash traversal", "/assets\\..\\..\\outside.txt", 404, "Not Found"),
        page("encoded backslash traversal", "/assets%5c..%5c..%5coutside.txt", 404, "Not Found"),
        page("a hidden file", "/.hidden/secret.txt", 404, "Not Found"),
        page("NUL in the path", "/index.html%00.css", 404, "Not Found"),
        page("a directory", "/assets/", 404, "Not Found"),
        page("unknown path", "/wp-admin/install.php", 404, "Not Found"),
        // The API prefix: never a way out of it.
        page("traversal out of the API", "/api/../../etc/passwd", 404, "Not Found"),
        page("encoded traversal out of the API", "/api/%2e%2e/admin", 404, "Not Found"),
        refused("POST to an unknown path", request("POST", "/admin", "x-goog-iap-jwt-assertion: {token}\r\nContent-Length: 0\r\n"),
            404, "{\"error\":\"not found\"}"),
        // Methods and request targets.
        refused("DELETE the page", request("DELETE", "/", AUTH), 404, "{\"error\":\"not found\"}"),
        refused("TRACE", request("TRACE", "/", AUTH + "X-Secret: do-not-echo\r\n"), 404, "{\"error\":\"not found\"}"),
        refused("made-up method", request("SNOOZE", "/", AUTH), 404, "{\"error\":\"not found\"}"),
        refused("CONNECT with a path", request("CONNECT", "/127.0.0.1:22", AUTH), 405, "CONNECT is not supported"),
        // Targets without a path never reach a route: Vert.x's router answers its plain 404.
        refused("CONNECT to a host and port", request("CONNECT", "127.0.0.1:22", AUTH), 404, "Not Found"),
        refused("absolute-form target", request("GET", "http://169.254.169.254/computeMetadata/v1/", AUTH), 400,
            "only origin-form request targets are accepted"),
        refused("asterisk target", request("OPTIONS", "*", AUTH), 404, "Not Found"),
        // Oversized and malformed requests: refused by the HTTP codec, before any handler.
        refused("a 16 KiB URI", request("GET", "/" + "a".repeat(16 << 10), AUTH), 414, null),
        refused("a 16 KiB header", request("GET", "/", AUTH + "X-Big: " + "b".repeat(16 << 10) + "\r\n"), 431, null),
        refused("a declared body over the limit", request("POST", "/api/generate",
            AUTH + "Content-Type: application/json\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n"), 413, "maxBodyBytes"),
        // Streamed, the body is cut at the limit: the backend may see the start of a request
        // (told apart by its query, "cut"), never a whole one.
        new Case("a streamed body over the limit", chunked("/api/echo?cut", "x".repeat(MAX_BODY + 1)), 413, "maxBodyBytes",
            Reach.ACTIVITY),
        refused("Content-Length not a number", request("POST", "/api/echo", AUTH + "Content-Length: ten\r\n"), 400, null),
        refused("Content-Length negative", request("POST", "/api/echo", AUTH + "Content-Length: -1\r\n"), 400, null),
        refused("two different Content-Lengths", request("POST", "/api/echo", AUTH + "Content-Length: 1\r\nContent-Length: 2\r\n")
            + "ab", 400, null),
        // Both: refused by the HTTP codec (Netty 4.2.13; RFC 9112 6.1 lets a server reject it), so
        // neither this request nor the one smuggled after it reaches a handler.
        refused("Content-Length and Transfer-Encoding", request("POST", "/api/echo",
            AUTH + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\nGET /api/echo?smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
            400, null),
        refused("an unknown Transfer-Encoding", request("POST", "/api/echo", AUTH + "Transfer-Encoding: gzip\r\n"), 400,
            "Transfer-Encoding must be chunked alone"),
        // chunked not last: the codec's own 400, before any handler.
        refused("chunked, then another coding", request("POST", "/api/echo", AUTH + "Transfer-Encoding: chunked, gzip\r\n"), 400,
            null),
        refused("two Transfer-Encodings", request("POST", "/api/echo",
            AUTH + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n", 400,
            "Transfer-Encoding must be chunked alone"),
        refused("a header without a colon", request("GET", "/", AUTH + "NoColonHere\r\n"), 400, null),
        // Folded lines are unfolded by the codec (RFC 9112 5.2 allows either that or a 400).
        refused("a folded header", request("GET", "/", AUTH + "X-Fold: a\r\n  b\r\n"), 200, "<!doctype html>"),
        refused("HTTP/1.1 without Host", "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", 400, null),
        // A protocol version the codec does not speak: its own 501, before any handler.
        refused("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 501, null),
        refused("garbage bytes", random + "\r\n\r\n", 400, null),
        refused("a TLS ClientHello", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003" + "\u0000".repeat(32) + "\r\n\r\n", 400, null),
        refused("the HTTP/2 preface (h2c is off)", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 501, null),
        // Proxied as they are: the backend's answer, whatever it is, passes through.
        new Case("invalid JSON to the API", request("POST", "/api/generate",
            AUTH + "Content-Type: application/json\r\nContent-Length: 9\r\n") + "{\"model\":", 400, "invalid JSON from the client", Reach.BACKEND),
        new Case("JSON to the API as text/plain", request("POST", "/api/generate",
            AUTH + "Content-Type: text/plain\r\nContent-Length: 2\r\n") + "{}", 200, "{\"done\":true}", Reach.BACKEND),
        new Case("binary bytes to the API", request("POST", "/api/echo",
            AUTH + "Content-Type: application/octet-stream\r\nContent-Length: 256\r\n")
            + new String(randomBytes(256), StandardCharsets.ISO_8859_1), 200, "{\"bytes\":256}", Reach.BACKEND),
        new Case("an unknown API path", request("GET", "/api/%2F..%2Fadmin", AUTH), 404, "no such backend path", Reach.BACKEND),
        new Case("HTTP/1.0", "GET /api/echo HTTP/1.0\r\n" + AUTH + "\r\n", 200, "{\"bytes\":0}", Reach.BACKEND),
        new Case("HTTP/1.0 POST", "POST /api/echo HTTP/1.0\r\n" + AUTH + "Content-Length: 3\r\n\r\nabc",
            200, "{\"bytes\":3}", Reach.BACKEND));
  }

  private static String chunked(String path, String body) {
    return request("POST", path, AUTH + "Transfer-Encoding: chunked\r\n")
        + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachBadRequestGetsAClearAnswerAndTheFrontendStaysUp(Case c) throws Exception {
    int forwarded = forwarded().size();
    int begun = activity.begun();
    int intents = activity.intents();

    String answer = exchange(fill(c.request()));

    assertThat(status(answer)).as(answer).isEqualTo(c.status());
    if (c.inBody() != null) {
      assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).contains(c.inBody());
    }
    switch (c.reach()) {
      case BACKEND -> assertThat(forwarded()).hasSize(forwarded + 1);
      case ACTIVITY -> assertThat(activity.begun()).isEqualTo(begun + 1);
      case NOTHING -> {
        assertThat(forwarded()).as("nothing forwarded").hasSize(forwarded);
        assertThat(activity.begun()).as("no activity").isEqualTo(begun);
        assertThat(activity.intents()).as("no intent").isEqualTo(intents);
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);

    // Still up: the health check, and a good proxied request.
    assertThat(exchange(request("GET", "/healthz", ""))).startsWith("HTTP/1.1 200").endsWith("ok");
    assertThat(exchange(fill(request("GET", "/api/echo", AUTH)))).startsWith("HTTP/1.1 200").endsWith("{\"bytes\":0}");
    List<String> since = forwarded().subList(forwarded, forwarded().size());
    assertThat(since).as("a request hidden in another's body").noneMatch(uri -> uri.contains("smuggled"));
  }

  @Test
  void aBodyOfUnknownLengthIsNeverReadAsTheNextRequest() throws Exception {
    int forwarded = forwarded().size();
    String smuggling = fill("POST /api/echo HTTP/1.1\r\nHost: x\r\n" + AUTH + "Transfer-Encoding: gzip\r\n\r\n"
        + "GET /api/echo?smuggled HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");
    String conversation;
    try (Socket socket = new Socket("127.0.0.1", frontend.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(smuggling.getBytes(StandardCharsets.ISO_8859_1));
      conversation = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1); // until closed
    }

    assertThat(conversation).startsWith("HTTP/1.1 400").contains("Transfer-Encoding must be chunked alone");
    assertThat(conversation.split("HTTP/1.1 ")).allSatisfy(answer -> assertThat(answer).doesNotStartWith("200"));
    assertThat(forwarded()).hasSize(forwarded);
  }

  /** The targets the backend received, but for bodies cut at the limit while streaming. */
  private static List<String> forwarded() {
    return backend.requests.stream().map(HttpServerRequest::uri).filter(uri -> !uri.endsWith("?cut")).toList();
  }

  private static String fill(String request) {
    String filled = request;
    for (Map.Entry<String, String> token : tokens.entrySet()) {
      filled = filled.replace(token.getKey(), token.getValue());
    }
    return filled;
  }

  /** The raw answer, or "" when the connection was closed (or reset) without one. */
  private static String exchange(String request) {
    try {
      return Fixtures.rawExchange(frontend.port(), request);
    } catch (IOException e) {
      return "";
    }
  }

  private static int status(String answer) {
    Matcher status = STATUS.matcher(answer);
    return status.find() ? Integer.parseInt(status.group(1)) : 0;
  }
}
