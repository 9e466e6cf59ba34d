package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.frontend.server.Fixtures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real backend's answers relayed by a server to a real client. */
class ResponseRelayTest {
  @RegisterExtension
  final Loopback loopback = new Loopback();
  private final Vertx vertx = loopback.vertx;
  private HttpServer front;
  private final CompletableFuture<Void> release = new CompletableFuture<>();
  private final CompletableFuture<Throwable> broke = new CompletableFuture<>();
  private final RelayedBytes relayed = new RelayedBytes();

  @BeforeEach
  void setUp() throws Exception {
    HttpServer backend = loopback.serve(request -> {
      switch (request.path()) {
        case "/stream" -> {
          request.response().setStatusCode(201).putHeader("Content-Type", "application/x-ndjson")
              .putHeader("X-Backend", "1").putHeader("Keep-Alive", "timeout=5").putHeader("Proxy-Foo", "leak")
              .setChunked(true).write("{\"response\":\"Hel\"}\n");
          release.thenRun(() -> vertx.runOnContext(v -> request.response().end("{\"response\":\"lo\"}\n")));
        }
        case "/whole" -> request.response().setStatusMessage("Fine").end("xyz");
        case "/broken" -> request.response().setChunked(true).write("{\"response\":\"Hel\"}\n")
            .onComplete(written -> request.connection().close());
        default -> request.response().setStatusCode(404).end();
      }
    });
    HttpClient client = vertx.createHttpClient();
    front = loopback.serve(request -> client
        .request(HttpMethod.GET, backend.actualPort(), "127.0.0.1", request.path())
        .compose(HttpClientRequest::send)
        .onSuccess(answer -> ResponseRelay.relay(answer, request, "cold".equals(request.query()), () -> false, relayed)
            .onFailure(e -> {
              broke.complete(e);
              request.response().reset();
            })));
  }

  @AfterEach
  void tearDown() throws Exception {
    release.complete(null);
  }

  @Test
  void streamsTheAnswerAsItArrivesWithItsStatusEndToEndHeadersAndTheColdStartMark() throws Exception {
    HttpResponse<InputStream> response = Loopback.CLIENT.send(
        HttpRequest.newBuilder(Loopback.uri(front, "/stream?cold")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    assertThat(response.headers().firstValue("X-Backend")).hasValue("1");
    assertThat(response.headers().firstValue("X-Snooze-Cold-Start")).hasValue("true");
    assertThat(response.headers().map().keySet()).noneMatch(name -> name.equalsIgnoreCase("keep-alive")
        || name.equalsIgnoreCase("proxy-foo"));
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThat(reader.readLine()).isEqualTo("{\"response\":\"Hel\"}"); // before the backend's last line
    release.complete(null);
    assertThat(reader.readLine()).isEqualTo("{\"response\":\"lo\"}");
    assertThat(reader.readLine()).isNull();
  }

  @Test
  void aWholeAnswerKeepsItsLengthAndStatusTextAndNoColdStartMark() throws Exception {
    String answer = Fixtures.rawExchange(front.actualPort(), "GET /whole HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200 Fine\r\n").containsIgnoringCase("content-length: 3\r\n")
        .doesNotContainIgnoringCase("transfer-encoding").doesNotContainIgnoringCase("x-snooze-cold-start")
        .endsWith("\r\n\r\nxyz");
  }

  @Test
  void aBrokenBackendStreamFailsTheRelayWithWhatWasRelayedCounted() throws Exception {
    assertThatThrownBy(() -> Loopback.CLIENT.send(HttpRequest.newBuilder(Loopback.uri(front, "/broken")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    assertThat(broke.get(30, TimeUnit.SECONDS)).isNotNull();
    assertThat(relayed.count()).isEqualTo("{\"response\":\"Hel\"}\n".length());
    assertThat(relayed.tail()).isEqualTo("l\"}\n".getBytes(StandardCharsets.UTF_8));
  }
}
