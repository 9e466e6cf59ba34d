package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.frontend.config.Origin;
import dev.snooze.frontend.reply.JsonReplies;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real client's body through a server that pumps it into the request {@link UpstreamRequest}
 * builds for a real backend, which answers with what it received.
 */
class BodyPumpTest {
  private static final int MAX = 64 * 1024;

  @RegisterExtension
  final Loopback loopback = new Loopback();
  private final Vertx vertx = loopback.vertx;
  private HttpServer front;
  private final List<Buffer> receivedWhole = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> backendCut = new CompletableFuture<>();
  private final CompletableFuture<AsyncResult<Void>> pumped = new CompletableFuture<>();
  private final Buffer sent = Buffer.buffer();

  @BeforeEach
  void setUp() throws Exception {
    HttpServer backend = loopback.serve(request -> request.body().onComplete(body -> {
      if (body.failed()) {
        backendCut.complete(null);
        return;
      }
      receivedWhole.add(body.result());
      request.response().end(new JsonObject().put("bytes", body.result().length())
          .put("chunked", request.headers().contains("Transfer-Encoding")).encode());
    }));
    HttpClient client = vertx.createHttpClient();
    front = loopback.serve(request -> {
      request.pause(); // as the frontend's router leaves it
      client.request(UpstreamRequest.of(Origin.of(URI.create("http://127.0.0.1:" + backend.actualPort())),
          request, "/sink")).onSuccess(upstream -> {
        upstream.response().onSuccess(answer -> answer.body().onSuccess(body -> request.response().end(body)));
        BodyPump.pump(request, upstream, MAX, sent::appendBuffer, () -> false).onComplete(result -> {
          pumped.complete(result);
          if (result.failed()) {
            upstream.reset();
            JsonReplies.errorAndClose(request, 413, "too large");
          }
        });
      });
    });
  }


  private static byte[] bytes(int n) {
    byte[] bytes = new byte[n];
    new Random(7).nextBytes(bytes);
    return bytes;
  }

  private HttpResponse<String> post(HttpRequest.BodyPublisher body) throws Exception {
    return Loopback.CLIENT.send(HttpRequest.newBuilder(Loopback.uri(front, "/")).POST(body).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBodyWithALengthArrivesWholeAndEachChunkIsSeenAsSent() throws Exception {
    byte[] body = bytes(MAX);
    HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofByteArray(body));
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("bytes", MAX).put("chunked", false));
    assertThat(receivedWhole.get(0).getBytes()).isEqualTo(body);
    assertThat(pumped.get(5, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(sent.getBytes()).isEqualTo(body);
  }

  @Test
  void aChunkedBodyGoesOnChunked() throws Exception {
    byte[] body = bytes(50_000);
    HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("bytes", 50_000).put("chunked", true));
    assertThat(receivedWhole.get(0).getBytes()).isEqualTo(body);
  }

  @Test
  void withNeitherLengthNorChunksThereIsNoBody() throws Exception {
    HttpResponse<String> response = Loopback.CLIENT.send(HttpRequest.newBuilder(Loopback.uri(front, "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("bytes", 0).put("chunked", false));
    assertThat(pumped.get(5, TimeUnit.SECONDS).succeeded()).isTrue();
  }

  @Test
  void aBodyOverTheCapStopsThePumpAndNeverReachesTheBackendWhole() throws Exception {
    HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofInputStream(
        () -> new ByteArrayInputStream(bytes(4 * MAX))));
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(pumped.get(5, TimeUnit.SECONDS).cause()).isInstanceOf(BodyPump.TooLarge.class);
    backendCut.get(5, TimeUnit.SECONDS);
    assertThat(receivedWhole).isEmpty();
    assertThat(sent.length()).isLessThanOrEqualTo(MAX);
  }
}
