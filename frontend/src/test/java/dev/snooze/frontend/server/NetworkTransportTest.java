package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetworkTransportTest {
  private final Vertx vertx = Vertx.vertx(NetworkTransport.options());

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void onTheImagesPlatformTheFrontendRunsOnEpoll() {
    assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
        "the dependency ships the linux-x86_64 library only");
    assertThat(vertx.isNativeTransportEnabled()).as("%s", vertx.unavailableNativeTransportCause()).isTrue();
    assertThat(NetworkTransport.describe(vertx)).containsExactly("transport", "epoll");
  }
}
