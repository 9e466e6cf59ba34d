package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.frontend.server.Fixtures;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A failure answered before anything was sent, and after: a real server, a real client. */
class ProxyFailureTest {
  @RegisterExtension
  final Loopback loopback = new Loopback();
  private HttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    server = loopback.serve(request -> {
      switch (request.path()) {
        case "/nothing-sent" -> ProxyFailure.timedOut(Duration.ofSeconds(7)).answer(request);
        case "/under-way" -> request.response().setChunked(true).write("{\"response\":\"Hel\"}\n")
            .onComplete(written -> ProxyFailure.unreachable().answer(request));
        case "/too-large" -> {
          request.pause();
          ProxyFailure.tooLarge(10).answer(request);
        }
        default -> request.response().setStatusCode(404).end();
      }
    });
  }


  @Test
  void beforeAnythingWasSentTheClientGetsTheStatusAndAJsonError() throws Exception {
    HttpResponse<String> response = Loopback.CLIENT.send(
        HttpRequest.newBuilder(Loopback.uri(server, "/nothing-sent")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(new JsonObject(response.body()))
        .isEqualTo(new JsonObject().put("error", "the backend did not finish within 7 s"));
  }

  @Test
  void onceTheAnswerIsUnderWayItsStreamIsCut() {
    assertThatThrownBy(() -> Loopback.CLIENT.send(
        HttpRequest.newBuilder(Loopback.uri(server, "/under-way")).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aBodyTooLargeIsRefusedAndItsConnectionClosed() throws Exception {
    String answer = Fixtures.rawExchange(server.actualPort(), "POST /too-large HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
        + "x".repeat(100));
    assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close")
        .endsWith("{\"error\":\"the request body is larger than 10 bytes\",\"maxBodyBytes\":10}");
  }
}
