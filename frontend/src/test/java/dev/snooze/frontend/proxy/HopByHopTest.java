package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HopByHopTest {
  @Test
  void dropsHopByHopHeadersThoseNamedInConnectionAndProxyOnes() {
    MultiMap in = MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive, X-Trace").add("X-Trace", "1").add("Keep-Alive", "timeout=5")
        .add("Transfer-Encoding", "chunked").add("Upgrade", "h2c").add("TE", "trailers").add("Trailer", "X")
        .add("Proxy-Authorization", "Basic eA==").add("Proxy-Foo", "x").add("Host", "evil.example")
        .add("Content-Type", "application/json").add("Accept", "a").add("Accept", "b");
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    HopByHop.copy(in, out, Set.of("host"));
    assertThat(out.names()).containsExactlyInAnyOrder("Content-Type", "Accept");
    assertThat(out.getAll("Accept")).containsExactly("a", "b");
  }
}
