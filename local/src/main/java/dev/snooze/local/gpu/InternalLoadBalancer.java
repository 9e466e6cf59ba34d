package dev.snooze.local.gpu;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The regional internal Application Load Balancer in front of the GPU MIG, as the frontend sees
 * it: always accepting connections, answering {@code 503 no healthy upstream} (Envoy's reply) while
 * no VM takes new requests, forwarding each request to the VM its {@link Route router} picks
 * while one does, and cutting the client's stream when the VM goes mid-answer. This is what makes
 * the frontend's production path (a 503 from the load balancer, not a refused connection) the one
 * the local stack exercises.
 */
final class InternalLoadBalancer implements HttpHandler {
  static final String NO_HEALTHY_UPSTREAM = "no healthy upstream";
  private static final int MAX_BODY = 1 << 20;
  /** Hop-by-hop, or set by the JDK client itself. */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect",
      "host", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

  /** Where one request goes, and what to call once its answer is relayed (or failed). */
  record Route(URI vm, Runnable done) {}

  private final Supplier<Route> router;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  /** @param router picks the VM for the next request; null while none takes new requests */
  InternalLoadBalancer(Supplier<Route> router) {
    this.router = router;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Route route = router.get();
    if (route == null) {
      noHealthyUpstream(exchange);
      return;
    }
    try {
      forward(exchange, route.vm());
    } finally {
      route.done().run();
    }
  }

  private void forward(HttpExchange exchange, URI target) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
        .method(exchange.getRequestMethod(), body.length == 0
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(value -> request.header(name, value));
      }
    });
    HttpResponse<InputStream> answer;
    try {
      answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      noHealthyUpstream(exchange); // the VM went between the check and the connection
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    relay(exchange, answer);
  }

  private static void relay(HttpExchange exchange, HttpResponse<InputStream> answer) throws IOException {
    answer.headers().map().forEach((name, values) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(name, List.copyOf(values));
      }
    });
    long length = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
    boolean empty = length == 0 || exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(answer.statusCode(), empty ? -1 : Math.max(length, 0));
    try (InputStream in = answer.body()) {
      OutputStream out = exchange.getResponseBody();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush(); // each streamed token as it comes
      }
    }
    // A VM that goes mid-answer makes the read above throw: the server then drops the client's
    // connection without a last chunk, as the load balancer resets the stream.
    exchange.close();
  }

  private static void noHealthyUpstream(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    byte[] bytes = NO_HEALTHY_UPSTREAM.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(503, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
