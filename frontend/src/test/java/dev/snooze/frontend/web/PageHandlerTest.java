package dev.snooze.frontend.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PageHandler on a real Vert.x server, serving a fixture page. Requests are written byte for byte on a socket, so that
 * odd paths (dot segments, encodings, backslashes, NUL) reach the server exactly as written.
 */
class PageHandlerTest {
  private static Vertx vertx;
  private static int port;

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    // The fixture (test resources' page-fixture/), with a hidden file, a folder and a file
    // outside it; the real page under web/ is the browser test's.
    router.route().handler(new PageHandler("page-fixture"));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static Response send(String method, String target, String... extraHeaders) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5000);
      StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nConnection: close\r\n");
      for (int i = 0; i < extraHeaders.length; i += 2) {
        request.append(extraHeaders[i]).append(": ").append(extraHeaders[i + 1]).append("\r\n");
      }
      if (method.equals("POST")) {
        request.append("Content-Length: 2\r\n\r\n{}");
      } else {
        request.append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String raw = all.toString(StandardCharsets.UTF_8);
      int split = raw.indexOf("\r\n\r\n");
      String[] lines = raw.substring(0, split).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      return new Response(status, headers, raw.substring(split + 4));
    }
  }

  private static void assertSecurityHeaders(Response response) {
    assertThat(response.header("Content-Security-Policy")).isEqualTo("default-src 'self';"
        + " script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
        + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(response.header("Permissions-Policy")).contains("camera=()");
    assertThat(response.header("Cross-Origin-Opener-Policy")).isEqualTo("same-origin");
  }

  @Test
  void rootServesIndexWithSecurityHeadersAndNoCache() throws Exception {
    Response response = send("GET", "/");
    System.out.println("GET / headers " + response.headers());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("snooze-test-index");
    assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(response.header("ETag")).startsWith("\"");
    assertSecurityHeaders(response);
    assertThat(send("GET", "/index.html").body()).isEqualTo(response.body());
  }

  @Test
  void unchangedFileIsA304() throws Exception {
    String etag = send("GET", "/").header("ETag");
    Response response = send("GET", "/", "If-None-Match", etag);
    assertThat(response.status()).isEqualTo(304);
    assertThat(response.body()).isEmpty();
    assertThat(response.header("ETag")).isEqualTo(etag);
    assertSecurityHeaders(response);
  }

  @Test
  void assetsHaveTheirContentTypes() throws Exception {
    Response css = send("GET", "/assets/fixture.css");
    assertThat(css.status()).isEqualTo(200);
    assertThat(css.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
    assertThat(css.body()).contains("color");
    assertSecurityHeaders(css);
    Response js = send("GET", "/assets/fixture.js?v=1");
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
  }

  @Test
  void headHasHeadersButNoBody() throws Exception {
    Response response = send("HEAD", "/assets/fixture.css");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
    assertThat(response.header("Content-Length")).isEqualTo("22");
    assertThat(response.body()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/../pom.xml", "/../outside.txt", "/%2e%2e/%2e%2e/etc/passwd", "/%2e%2e/outside.txt",
      "/..%2f..%2fetc%2fpasswd", "/..%2foutside.txt", "/web/../../x", "/web/../outside.txt",
      "/assets/../../outside.txt", "/\\..\\x", "/..\\outside.txt", "/index.html%00.txt",
      "/index.html%00", "/%252e%252e/outside.txt", "/%c0%ae%c0%ae/outside.txt",
      "//outside.txt", "/./outside.txt", "/.hidden/secret.txt", "/outside.txt",
      "/dev/snooze/frontend/web/PageHandler.class", "/web/index.html", "/page-fixture/index.html", "/index.html/",
      "/assets/", "/assets", "/..", "/.", "/nonexistent.js"})
  void nothingOutsideWebAndNoListing(String path) throws Exception {
    Response response = send("GET", path);
    System.out.println("traversal " + path + " -> " + response.status());
    assertThat(response.status()).isIn(400, 404);
    assertThat(response.body()).doesNotContain("OUTSIDE-WEB-MARKER", "root:", "<project",
        "fixture.css", "secret", "snooze-test-index");
  }

  @Test
  void nulByteInTheRequestLineNeverServesAFile() throws Exception {
    Response response = send("GET", "/index.html\u0000.txt");
    assertThat(response.status()).isIn(400, 404);
    assertThat(response.body()).doesNotContain("snooze-test-index");
  }

  @Test
  void onlyGetAndHead() throws Exception {
    for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
      Response response = send(method, "/");
      assertThat(response.status()).as(method).isEqualTo(405);
      assertThat(response.header("Allow")).isEqualTo("GET, HEAD");
      assertSecurityHeaders(response);
    }
  }

  @Test
  void notFoundCarriesTheSecurityHeadersToo() throws Exception {
    Response response = send("GET", "/missing.html");
    assertThat(response.status()).isEqualTo(404);
    assertSecurityHeaders(response);
  }

  @Test
  void securityHeadersHandlerForOtherResponses() throws Exception {
    Vertx local = Vertx.vertx();
    try {
      Router router = Router.router(local);
      router.route().handler(new SecurityHeaders());
      router.get("/api/x").handler(ctx -> ctx.json(Map.of("ok", true)));
      HttpServer server = local.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
      int saved = port;
      port = server.actualPort();
      try {
        Response response = send("GET", "/api/x");
        assertThat(response.status()).isEqualTo(200);
        assertSecurityHeaders(response);
      } finally {
        port = saved;
      }
    } finally {
      local.close().await(10, TimeUnit.SECONDS);
    }
  }
}
