package dev.snooze.frontend.proxy;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
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
    // Runs twice per proxied request: no set is built unless Connection names a header.
    Set<String> named = null;
    for (String value : from.getAll("Connection")) {
      for (String token : value.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !ALWAYS.contains(name)) {
          if (named == null) {
            named = new HashSet<>();
          }
          named.add(name);
        }
      }
    }
    for (Map.Entry<String, String> entry : from) {
      String name = entry.getKey().toLowerCase(Locale.ROOT);
      if (!ALWAYS.contains(name) && !extraDropped.contains(name) && (named == null || !named.contains(name))
          && !name.startsWith("proxy-")) {
        to.add(entry.getKey(), entry.getValue());
      }
    }
  }
}
