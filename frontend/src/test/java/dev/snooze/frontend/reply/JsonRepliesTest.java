package dev.snooze.frontend.reply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.frontend.server.Fixtures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonRepliesTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/refuse" -> {
          request.pause(); // as while an asynchronous check runs
          vertx.setTimer(1, t -> JsonReplies.refuse(request, 401, "missing IAP assertion"));
        }
        case "/refuse-read" -> request.end().onComplete(ended -> JsonReplies.refuse(request, 401, "missing IAP assertion"));
        case "/late" -> {
          request.response().setChunked(true).write("under way;");
          JsonReplies.error(request.response(), 500, "too late");
          request.response().end(" done");
        }
        default -> JsonReplies.error(request.response(), 404, "not found");
      }
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
  }

  @Test
  void anErrorIsJsonNeverCachedNorSniffed() throws Exception {
    HttpResponse<String> response = send(to("/nowhere"));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"error\":\"not found\"}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  void anAnswerUnderWayIsNeverReplacedByAnError() throws Exception {
    HttpResponse<String> response = send(to("/late"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("under way; done");
  }

  @Test
  void aRefusedUploadIsAnsweredWithItsBodyDroppedAndItsConnectionNotReused() throws Exception {
    String answer = Fixtures.rawExchange(server.actualPort(),
        "POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n" + "y".repeat(300_000));
    assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("\r\nconnection: close\r\n")
        .endsWith("\r\n\r\n{\"error\":\"missing IAP assertion\"}");
  }

  @Test
  void aRefusedRequestReadToItsEndKeepsItsConnection() throws Exception {
    String answer = Fixtures.rawExchange(server.actualPort(), "GET /refuse-read HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 401").doesNotContainIgnoringCase("connection:");
  }
}
