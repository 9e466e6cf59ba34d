package dev.snooze.bench.proxy;

import dev.snooze.frontend.server.NetworkTransport;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * P3's second baseline: the least a Vert.x streaming proxy can be, run with the frontend's JVM
 * flags, so that what the JVM and Vert.x cost is told apart from what Snooze adds. An
 * {@code HttpServer} per core on one port (as the frontend has) and one {@code HttpClient} with a
 * keep-alive pool; each request is streamed to the backend with its headers (less Host and
 * Connection), and the answer streamed back with backpressure. No router, no
 * routing context, no activity, no log line, no timeout, no hold: nothing of Snooze.
 *
 * <p>Its Vert.x takes the frontend's transport options ({@link NetworkTransport}), so both stand on
 * the same transport in a run whatever the classpath offers.
 *
 * <p>Usage: {@code BareVertxProxy PORT BACKEND_PORT}.
 */
public final class BareVertxProxy {
  private BareVertxProxy() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int backendPort = Integer.parseInt(args[1]);
    int servers = Math.max(1, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(NetworkTransport.options());
    HttpClient client = vertx.createHttpClient(new HttpClientOptions()
            .setDefaultHost("127.0.0.1").setDefaultPort(backendPort)
            .setKeepAlive(true).setIdleTimeout(0).setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(64));
    vertx.deployVerticle(() -> new Server(port, client), new DeploymentOptions().setInstances(servers))
        .await(30, TimeUnit.SECONDS);
    System.out.println("{\"severity\":\"INFO\",\"message\":\"bare vert.x proxy listening\",\"port\":" + port
        + ",\"nativeTransport\":" + vertx.isNativeTransportEnabled() + "}");
  }

  private static final class Server extends VerticleBase {
    private final int port;
    private final HttpClient client;

    Server(int port, HttpClient client) {
      this.port = port;
      this.client = client;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false).setIdleTimeout(0))
          .requestHandler(this::handle)
          .listen(port, "127.0.0.1");
    }

    private void handle(HttpServerRequest request) {
      request.pause();
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers())
          .remove(HttpHeaders.HOST).remove(HttpHeaders.CONNECTION);
      client.request(new RequestOptions().setMethod(request.method()).setURI(request.uri()).setHeaders(headers))
          .compose(upstream -> upstream.send(request))
          .onComplete(answer -> {
            if (answer.succeeded()) {
              relay(answer.result(), request.response());
            } else {
              request.response().setStatusCode(502).end();
            }
          });
    }

    private static void relay(HttpClientResponse answer, HttpServerResponse response) {
      response.setStatusCode(answer.statusCode());
      response.headers().addAll(answer.headers())
          .remove(HttpHeaders.CONNECTION).remove(HttpHeaders.TRANSFER_ENCODING);
      if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
        response.setChunked(true);
      }
      // By hand rather than pipeTo, which throws once a client that left has closed the response.
      answer.handler(chunk -> {
        if (response.closed()) {
          return;
        }
        response.write(chunk);
        if (response.writeQueueFull()) {
          answer.pause();
          response.drainHandler(drained -> answer.resume());
        }
      });
      answer.endHandler(ended -> {
        if (!response.closed()) {
          response.end();
        }
      });
    }
  }
}
