package dev.snooze.frontend.server;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The frontend's Vert.x on Netty's native epoll transport where it loads (Linux x86_64, the
 * image's platform: the dependency ships only that native library), on Java NIO elsewhere. Epoll
 * spends fewer system calls and less garbage per read and write than NIO's selector; P3 in
 * docs/benchmarks.md has the figures. Falling back is Vert.x's own: with the library missing or
 * refused (another architecture, a {@code noexec} temporary directory), it starts on NIO and
 * says why in {@link Vertx#unavailableNativeTransportCause()}, which the start line repeats.
 */
public final class NetworkTransport {
  private NetworkTransport() {}

  public static VertxOptions options() {
    return new VertxOptions().setPreferNativeTransport(true);
  }

  /** Key/value pairs for the start line: the transport in use and, on NIO, why not native. */
  public static Object[] describe(Vertx vertx) {
    List<Object> fields = new ArrayList<>(List.of("transport", vertx.isNativeTransportEnabled() ? "epoll" : "nio"));
    Throwable cause = vertx.unavailableNativeTransportCause();
    if (!vertx.isNativeTransportEnabled() && cause != null) {
      fields.add("nativeTransportUnavailable");
      fields.add(String.valueOf(cause));
    }
    return fields.toArray();
  }
}
