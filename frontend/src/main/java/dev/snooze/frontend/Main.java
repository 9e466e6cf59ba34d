package dev.snooze.frontend;

import dev.snooze.frontend.activity.PubsubActivity;
import dev.snooze.frontend.config.FrontendConfig;
import dev.snooze.frontend.iap.IapHandler;
import dev.snooze.frontend.server.FrontendServer;
import dev.snooze.frontend.server.NetworkTransport;
import dev.snooze.frontend.web.PageHandler;
import dev.snooze.logging.JsonLog;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/** Starts the frontend from environment variables; stops cleanly on SIGTERM. */
public final class Main {
  private static final JsonLog LOG = JsonLog.forComponent("frontend");

  private Main() {}

  public static void main(String[] args) throws Exception {
    FrontendConfig config;
    try {
      config = FrontendConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(NetworkTransport.options());
    PubsubActivity activity = PubsubActivity.start(config.activity());
    // Without an audience IAP verification is off (the local stack): forConfig then logs a warning
    // and lets every request through.
    Handler<RoutingContext> authentication = IapHandler.forConfig(vertx, config.iap());
    FrontendServer server = new FrontendServer(vertx, config, activity, authentication, new PageHandler());
    try {
      server.start().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("frontend failed to start", "port", config.server().port(), "error", String.valueOf(e.getMessage()));
      activity.close();
      vertx.close();
      System.exit(1);
      return;
    }
    LOG.with(NetworkTransport.describe(vertx)).info("frontend started", "port", server.port());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("frontend stopping", "port", server.port());
      try {
        // Separately, from this thread: a future composed on an event loop would be completed on
        // a loop that vert.x has already terminated.
        server.close().await(5, TimeUnit.SECONDS);
        activity.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        LOG.info("frontend stopped");
      } catch (Exception e) {
        LOG.warning("frontend stopped uncleanly", "error", String.valueOf(e.getMessage()));
      }
    }, "frontend-shutdown"));
  }
}
