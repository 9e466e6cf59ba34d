package dev.snooze.bench.proxy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;

/**
 * The one upstream both proxies forward to in P3, fast enough not to be what is measured:
 * {@code GET /} 200 {@code ok} (the frontend's health check), {@code GET /api/hello} 12 bytes,
 * {@code GET /api/stream} a chunked answer whose first chunk leaves at once and whose last
 * follows after a pause, as a model's first token and then silence.
 *
 * <p>Usage: {@code Backend PORT EVENT_LOOPS STREAM_PAUSE_MS}.
 */
public final class Backend {
  static final Buffer HELLO = Buffer.buffer("hello world\n");
  static final Buffer FIRST_CHUNK = Buffer.buffer("{\"response\":\"first\"}\n");
  static final Buffer LAST_CHUNK = Buffer.buffer("{\"done\":true}\n");

  private Backend() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int loops = Integer.parseInt(args[1]);
    long pauseMillis = Long.parseLong(args[2]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    // One server per event loop on the same port: vert.x spreads connections over them.
    vertx.deployVerticle(() -> new Server(port, pauseMillis), new DeploymentOptions().setInstances(loops))
        .await(30, TimeUnit.SECONDS);
    System.out.println("{\"severity\":\"INFO\",\"message\":\"bench backend listening\",\"port\":" + port + "}");
  }

  private static final class Server extends VerticleBase {
    private final int port;
    private final long pauseMillis;

    Server(int port, long pauseMillis) {
      this.port = port;
      this.pauseMillis = pauseMillis;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1");
    }

    private void handle(HttpServerRequest request) {
      HttpServerResponse response = request.response();
      switch (request.path()) {
        case "/" -> response.putHeader("Content-Type", "text/plain").end("ok");
        case "/api/hello" -> response.putHeader("Content-Type", "text/plain").end(HELLO);
        case "/api/stream" -> {
          response.setChunked(true).putHeader("Content-Type", "application/x-ndjson");
          response.write(FIRST_CHUNK);
          vertx.setTimer(pauseMillis, id -> response.end(LAST_CHUNK));
        }
        default -> response.setStatusCode(404).end();
      }
    }
  }
}
