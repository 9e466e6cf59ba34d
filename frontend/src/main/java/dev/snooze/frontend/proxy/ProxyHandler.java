package dev.snooze.frontend.proxy;

import dev.snooze.frontend.activity.ActivitySignal;
import dev.snooze.frontend.coldstart.BackendReadiness;
import dev.snooze.frontend.coldstart.Hold;
import dev.snooze.frontend.config.ProxySettings;
import dev.snooze.frontend.reply.JsonReplies;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.RoutingContext;

/**
 * The streaming reverse proxy to the GPU backend, for paths the router has already checked
 * against the allowed prefixes: refuses a declared body over the cap up front, then hands each
 * request to a {@link ProxyExchange}.
 */
public final class ProxyHandler implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final ProxySettings settings;
  private final ActivitySignal activity;
  private final ColdStartHold coldStart;
  private final SleepRetry sleepRetry;
  private final HttpClient client;

  public ProxyHandler(Vertx vertx, ProxySettings settings, BackendReadiness readiness, Hold hold,
      ActivitySignal activity) {
    this.vertx = vertx;
    this.settings = settings;
    this.activity = activity;
    this.coldStart = new ColdStartHold(readiness, hold);
    this.sleepRetry = new SleepRetry(readiness);
    // No idle timeout (0): a model may think for minutes between tokens. The total is capped per
    // request (requestTimeout). No decompression: bytes pass through untouched.
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout(5_000)
            .setIdleTimeout(0)
            .setKeepAlive(true)
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(settings.maxConnections()));
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.isEnded()) {
      request.pause();
    }
    String length = request.getHeader("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        JsonReplies.errorAndClose(request, 400, "invalid Content-Length");
        return;
      }
      if (declared > settings.maxBodyBytes()) {
        ProxyFailure.tooLarge(settings.maxBodyBytes()).answer(request);
        return;
      }
    }
    String query = request.query();
    String path = ctx.normalizedPath() + (query == null ? "" : "?" + query);
    new ProxyExchange(vertx, client, settings, coldStart, sleepRetry, activity, ctx, path).start();
  }

  public void close() {
    client.close();
  }
}
