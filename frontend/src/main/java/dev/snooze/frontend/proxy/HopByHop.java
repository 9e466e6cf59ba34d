package dev.snooze.frontend.proxy;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Copies headers across the proxy without the hop-by-hop ones (RFC 9110 section 7.6.1). */
public final class HopByHop {
  static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

  private HopByHop() {}

  /**
   * Copies {@code from} into {@code to} except hop-by-hop headers, headers named in
   * {@code Connection}, any {@code Proxy-*} header, and {@code extraDropped} (lower case).
   */
  public static void copy(MultiMap from, MultiMap to, Set<String> extraDropped) {
    Set<String> dropped = new HashSet<>(ALWAYS);
    dropped.addAll(extraDropped);
    for (String value : from.getAll("Connection")) {
      for (String token : value.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          dropped.add(name);
        }
      }
    }
    from.forEach(entry -> {
      String name = entry.getKey().toLowerCase(Locale.ROOT);
      if (!dropped.contains(name) && !name.startsWith("proxy-")) {
        to.add(entry.getKey(), entry.getValue());
      }
    });
  }
}
