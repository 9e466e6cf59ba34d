package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU VM preempted or lost mid-answer, through the frontend: a real Vert.x backend streams
 * part of an answer and drops its connection. A stream the client can still read an error in
 * (Ollama's JSON lines, OpenAI's server-sent events) gets the chunks, one error record in its own
 * format and a clean end; any other answer is cut, as before.
 */
class BackendLostTest {
  private static final String MESSAGE = "the GPU backend stopped mid-answer (its VM was preempted or lost);"
      + " the answer is incomplete: send the prompt again";
  private static final String NDJSON_ERROR = "{\"error\":\"" + MESSAGE + "\"}\n";
  private static final String SSE_ERROR = "data: {\"error\":{\"message\":\"" + MESSAGE
      + "\",\"type\":\"server_error\",\"code\":\"backend_lost\"}}\n\n";
  private static final String SSE_EVENTS = "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
      + "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final CountingSignal activity = new CountingSignal();
  private Vertx vertx;
  private FrontendServer frontend;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    Fixtures.Backend backend = new Fixtures.Backend(vertx, 0, request -> {
      switch (request.path()) {
        case "/api/chat" -> dropAfter(request, "application/x-ndjson",
            "{\"message\":{\"content\":\"Hel\"},\"done\":false}\n", "{\"message\":{\"content\":\"lo\"},\"done\":false}\n");
        case "/api/mid-line" -> dropAfter(request, "application/x-ndjson; charset=utf-8",
            "{\"message\":{\"content\":\"Hel\"},\"done\":false}\n{\"mess");
        case "/v1/chat/completions" -> dropAfter(request, "text/event-stream", SSE_EVENTS);
        case "/v1/mid-event" -> dropAfter(request, "text/event-stream; charset=utf-8",
            "data: {\"choices\":[]}\n\ndata: {\"choi");
        case "/api/plain" -> dropAfter(request, "text/plain", "some text");
        case "/api/length" -> {
          request.response().putHeader("Content-Type", "application/x-ndjson").putHeader("Content-Length", "100")
              .write("{\"message\":{\"content\":\"Hel\"}}\n").onComplete(written -> request.connection().close());
        }
        default -> request.response().setStatusCode(404).end();
      }
    });
    frontend = Fixtures.frontend(vertx, Fixtures.config(backend.port(),
        Map.of("SNOOZE_ALLOWED_PATHS", "/api/,/v1/")), activity);
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
  }

  /** Streams {@code chunks}, each flushed, then closes the connection as a VM that vanished would. */
  private static void dropAfter(HttpServerRequest request, String contentType, String... chunks) {
    request.response().setChunked(true).putHeader("Content-Type", contentType);
    for (int i = 0; i < chunks.length - 1; i++) {
      request.response().write(chunks[i]);
    }
    request.response().write(chunks[chunks.length - 1]).onComplete(written -> request.connection().close());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + frontend.port() + path);
  }

  /** The whole body: the client's read fails (IOException) unless the stream ended properly. */
  private HttpResponse<String> post(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anOllamaStreamEndsWithOllamasErrorLineAndACleanEnd() throws Exception {
    HttpResponse<String> response = post("/api/chat");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    assertThat(response.body()).isEqualTo("{\"message\":{\"content\":\"Hel\"},\"done\":false}\n"
        + "{\"message\":{\"content\":\"lo\"},\"done\":false}\n" + NDJSON_ERROR);
    String[] lines = response.body().split("\n");
    assertThat(new JsonObject(lines[lines.length - 1]).getString("error")).isEqualTo(MESSAGE);
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
  }

  @Test
  void aLineCutHalfWayIsEndedSoTheErrorIsALineOfItsOwn() throws Exception {
    HttpResponse<String> response = post("/api/mid-line");
    assertThat(response.body()).isEqualTo("{\"message\":{\"content\":\"Hel\"},\"done\":false}\n{\"mess\n"
        + NDJSON_ERROR);
  }

  @Test
  void anOpenAiEventStreamEndsWithAnErrorEventAndNoDone() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(SSE_EVENTS + SSE_ERROR).doesNotContain("[DONE]");
    JsonObject error = new JsonObject(SSE_ERROR.substring("data: ".length()).trim()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("backend_lost");
    assertThat(error.getString("type")).isEqualTo("server_error");
  }

  @Test
  void anEventCutHalfWayIsDispatchedBeforeTheErrorEvent() throws Exception {
    HttpResponse<String> response = post("/v1/mid-event");
    assertThat(response.body()).isEqualTo("data: {\"choices\":[]}\n\ndata: {\"choi\n\n" + SSE_ERROR);
  }

  @Test
  void anAnswerWithAPromisedLengthIsStillCut() {
    assertThatThrownBy(() -> post("/api/length")).isInstanceOf(IOException.class);
  }

  @Test
  void aStreamOfAnotherTypeIsStillCut() throws Exception {
    assertThatThrownBy(() -> post("/api/plain")).isInstanceOf(IOException.class);
    await().atMost(Duration.ofSeconds(30)).until(() -> activity.inFlight() == 0);
  }

  @Test
  void theClientsConnectionServesTheNextRequestAfterTheErrorRecord() throws Exception {
    // The error record ends the answer, not the connection: the next request on it is answered.
    try (Socket socket = new Socket("127.0.0.1", frontend.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
      String first = readUntil(in, "\r\n0\r\n\r\n");
      assertThat(first).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked")
          .doesNotContainIgnoringCase("connection: close").contains(MESSAGE);
      out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readUntil(in, "\r\n\r\nok")).startsWith("HTTP/1.1 200");
    }
  }

  private static String readUntil(InputStream in, String end) throws IOException {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    while (!read.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + read.toString(StandardCharsets.ISO_8859_1));
      }
      read.write(b);
    }
    return read.toString(StandardCharsets.ISO_8859_1);
  }
}
