package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.frontend.config.Origin;
import dev.snooze.frontend.server.Fixtures;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The request built for the backend from a real client's request, answered back as JSON. */
class UpstreamRequestTest {
  private static final Origin BACKEND = Origin.of(URI.create("https://gpu.internal:8443/ollama"));

  @RegisterExtension
  final Loopback loopback = new Loopback();
  private HttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    server = loopback.serve(request -> {
      RequestOptions options = UpstreamRequest.of(BACKEND, request, "/api/chat?stream=true");
      JsonObject headers = new JsonObject();
      options.getHeaders().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      request.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("method", options.getMethod().name()).put("host", options.getHost())
          .put("port", options.getPort()).put("ssl", options.isSsl()).put("uri", options.getURI())
          .put("headers", headers).encode());
    });
  }


  private JsonObject upstreamFor(String headers) throws Exception {
    String answer = Fixtures.rawExchange(server.actualPort(), "DELETE /anything HTTP/1.1\r\n" + headers + "\r\n");
    return new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void goesToTheBackendUnderItsBasePathWithTheClientsMethod() throws Exception {
    JsonObject upstream = upstreamFor("Host: frontend.example\r\n");
    assertThat(upstream.getString("method")).isEqualTo("DELETE");
    assertThat(upstream.getString("host")).isEqualTo("gpu.internal");
    assertThat(upstream.getInteger("port")).isEqualTo(8443);
    assertThat(upstream.getBoolean("ssl")).isTrue();
    assertThat(upstream.getString("uri")).isEqualTo("/ollama/api/chat?stream=true");
  }

  @Test
  void carriesOnlyEndToEndHeadersAndSaysWhoItIsFor() throws Exception {
    JsonObject headers = upstreamFor("Host: frontend.example\r\nConnection: X-Secret\r\nX-Secret: s\r\n"
        + "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\n"
        + "x-goog-iap-jwt-assertion: a.b.c\r\nX-Snooze-Cold-Start: true\r\nX-Keep: yes\r\n")
        .getJsonObject("headers");
    assertThat(headers).isEqualTo(new JsonObject()
        .put("x-keep", "yes")
        .put("x-forwarded-for", "127.0.0.1")
        .put("x-forwarded-proto", "http")
        .put("x-forwarded-host", "frontend.example"));
  }

  @Test
  void addsToForwardedHeadersAnEarlierProxySet() throws Exception {
    JsonObject headers = upstreamFor("Host: frontend.example\r\n"
        + "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: demo.example\r\n")
        .getJsonObject("headers");
    assertThat(headers.getString("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
    assertThat(headers.getString("x-forwarded-proto")).isEqualTo("https");
    assertThat(headers.getString("x-forwarded-host")).isEqualTo("demo.example");
  }
}
