package dev.snooze.frontend.server;

import dev.snooze.frontend.activity.ActivitySignal;
import dev.snooze.frontend.config.FrontendConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A loopback fake backend, the frontend under test, and a raw HTTP/1.1 socket client. */
public final class Fixtures {
  private Fixtures() {}

  static FrontendConfig config(int backendPort, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("SNOOZE_BACKEND_URL", "http://127.0.0.1:" + backendPort);
    env.put("SNOOZE_PROJECT", "snooze-test");
    env.put("SNOOZE_REQUEST_TIMEOUT", "10");
    env.put("SNOOZE_WAKE_TIMEOUT", "10");
    env.put("SNOOZE_EXPECTED_WAKE", "30");
    env.putAll(overrides);
    return FrontendConfig.fromEnv(env);
  }

  /**
   * A loopback port where nothing listens until a test's server does, and that nothing else can
   * take meanwhile: a socket bound to it with SO_REUSEADDR (not listening) holds it, so every
   * connection is refused, as to a GPU VM that is down; a test server may listen on it and stop
   * again (Vert.x servers set SO_REUSEADDR too), while a server binding any free port never
   * lands on it. A port found free and closed again promises none of this.
   */
  public static HeldPort holdPort() throws IOException {
    Socket holder = new Socket();
    holder.setReuseAddress(true);
    holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return new HeldPort(holder);
  }

  /** See {@link #holdPort()}. */
  public record HeldPort(Socket holder) implements AutoCloseable {
    public int port() {
      return holder.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      holder.close();
    }
  }

  static FrontendServer frontend(Vertx vertx, FrontendConfig config, ActivitySignal activity)
      throws Exception {
    return new FrontendServer(vertx, config, activity, null, null)
        .listenPort(0)
        .probeInterval(Duration.ofMillis(200))
        .start().await(10, TimeUnit.SECONDS);
  }

  /** A fake GPU backend: answers {@code /} 200 for the health check, records every other request. */
  static final class Backend {
    final List<HttpServerRequest> requests = new CopyOnWriteArrayList<>();
    final HttpServer server;

    Backend(Vertx vertx, int port, Handler<HttpServerRequest> api) throws Exception {
      server = vertx.createHttpServer().requestHandler(request -> {
        if (request.path().equals("/")) {
          request.response().end("Ollama is running");
          return;
        }
        requests.add(request);
        api.handle(request);
      }).listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    int port() {
      return server.actualPort();
    }

    void close() throws Exception {
      server.close().await(5, TimeUnit.SECONDS);
    }
  }

  /** One whole response: headers, then Content-Length bytes or a chunked body's last chunk. */
  private static boolean complete(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    java.util.regex.Matcher length = java.util.regex.Pattern
        .compile("(?im)^content-length:\\s*(\\d+)").matcher(text.substring(0, end));
    if (length.find()) {
      return text.length() - end - 4 >= Integer.parseInt(length.group(1));
    }
    return text.endsWith("0\r\n\r\n");
  }

  /** Sends {@code raw} and reads until the server closes the connection (or 10 s pass). */
  public static String rawExchange(int port, String raw) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      int n;
      while (!complete(out.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
