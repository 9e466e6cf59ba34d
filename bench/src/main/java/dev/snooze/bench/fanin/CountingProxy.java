package dev.snooze.bench.fanin;

import dev.snooze.local.process.HttpProbe;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A transparent proxy in front of an emulator that counts requests by path: gRPC over cleartext
 * HTTP/2 (what the Firestore client speaks, e.g. {@code /google.firestore.v1.Firestore/Commit})
 * and plain HTTP/1.1 (the emulator's health answer), each forwarded over the same protocol. It
 * is how P4 counts the Firestore writes the functions make without touching them: they are
 * simply pointed at this proxy as their emulator.
 */
final class CountingProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "upgrade",
      "proxy-connection", "host");
  private static final Set<String> GRPC_STATUS = Set.of("grpc-status", "grpc-message", "grpc-status-details-bin");

  private final Vertx vertx;
  private final HttpServer server;
  private final HttpClient h2;
  private final HttpClient h1;
  private final Map<String, LongAdder> byPath = new ConcurrentHashMap<>();

  private CountingProxy(Vertx vertx, HttpServer server, HttpClient h2, HttpClient h1) {
    this.vertx = vertx;
    this.server = server;
    this.h2 = h2;
    this.h1 = h1;
  }

  /** Listens on a free loopback port and forwards to {@code target} ("HOST:PORT"). */
  static CountingProxy start(String target) throws Exception {
    String host = target.substring(0, target.lastIndexOf(':'));
    int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
    Vertx vertx = Vertx.vertx();
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    HttpClient h1 = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setHttp2ClearTextEnabled(true));
    CountingProxy proxy = new CountingProxy(vertx, server, h2, h1);
    server.requestHandler(proxy::forward);
    server.listen().await(10, TimeUnit.SECONDS);
    // The stack probes its emulators once, with a 1 s timeout: answer the first one warm.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!HttpProbe.answers(proxy.host(), "/")) {
      if (System.nanoTime() > deadline) {
        proxy.close();
        throw new IllegalStateException("the counting proxy to " + target + " does not answer");
      }
    }
    return proxy;
  }

  /** "127.0.0.1:PORT", to give clients as their emulator host. */
  String host() {
    return "127.0.0.1:" + server.actualPort();
  }

  /** Requests received so far, by path. */
  Map<String, Long> counts() {
    Map<String, Long> copy = new TreeMap<>();
    byPath.forEach((path, n) -> copy.put(path, n.sum()));
    return copy;
  }

  long count(String path) {
    LongAdder n = byPath.get(path);
    return n == null ? 0 : n.sum();
  }

  private void forward(HttpServerRequest in) {
    byPath.computeIfAbsent(in.path(), k -> new LongAdder()).increment();
    boolean http2 = in.version() == HttpVersion.HTTP_2;
    in.pause();
    (http2 ? h2 : h1).request(new RequestOptions().setMethod(in.method()).setURI(in.uri()))
        .onFailure(e -> in.response().setStatusCode(502).end())
        .onSuccess(out -> {
          copy(in.headers(), out.headers());
          // Vert.x wants a length or "chunked" before streaming (over HTTP/2 it only means streaming).
          out.setChunked(in.getHeader("content-length") == null);
          out.response().onFailure(e -> in.response().reset()).onSuccess(reply -> relay(reply, in.response()));
          in.handler(out::write);
          in.endHandler(v -> out.end());
          in.resume();
        });
  }

  private static void relay(HttpClientResponse reply, HttpServerResponse response) {
    response.setStatusCode(reply.statusCode());
    copy(reply.headers(), response.headers());
    response.setChunked(reply.getHeader("content-length") == null);
    reply.handler(response::write);
    reply.endHandler(v -> {
      copy(reply.trailers(), response.trailers());
      if (reply.trailers().isEmpty() && response.headers().contains("grpc-status")) {
        // A gRPC error answered "trailers-only" (one HEADERS frame that ends the stream) arrives
        // here as headers; relayed as headers then trailers, the client still reads its status.
        for (String name : GRPC_STATUS) {
          response.headers().getAll(name).forEach(value -> response.trailers().add(name, value));
          response.headers().remove(name);
        }
      }
      response.end();
    });
  }

  private static void copy(MultiMap from, MultiMap to) {
    from.forEach(header -> {
      if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
        to.add(header.getKey(), header.getValue());
      }
    });
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
