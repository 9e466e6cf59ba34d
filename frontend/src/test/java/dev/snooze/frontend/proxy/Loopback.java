package dev.snooze.frontend.proxy;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's own Vert.x, with real servers on 127.0.0.1 at any free port and a real client to call
 * them; closed after each test ({@code @RegisterExtension final Loopback loopback = new Loopback();}).
 */
final class Loopback implements AfterEachCallback {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Vertx vertx = Vertx.vertx();

  HttpServer serve(Handler<HttpServerRequest> handler) throws Exception {
    return vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  static URI uri(HttpServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.actualPort() + path);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
