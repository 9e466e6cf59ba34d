package dev.snooze.frontend.proxy;

import dev.snooze.frontend.activity.ActivitySignal;
import dev.snooze.frontend.budget.BudgetWatch;
import dev.snooze.frontend.budget.OverBudget;
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
import java.time.Clock;
import java.util.function.DoubleSupplier;

/**
 * The streaming reverse proxy to the GPU backend, for paths the router has already checked
 * against the allowed prefixes: refuses a declared body over the cap, and any request while the
 * GPU budget is known to be used up ({@link OverBudgetReply}; no activity is published for it),
 * up front, then hands each request to a {@link ProxyExchange}. Each request, refused or not, is
 * one line of the {@link RequestLog} when it ends.
 */
public final class ProxyHandler implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final ProxySettings settings;
  private final ActivitySignal activity;
  private final ColdStartHold coldStart;
  private final SleepRetry sleepRetry;
  private final BusyRetry busyRetry;
  private final BudgetWatch budget;
  private final RequestLog requests;
  private final Clock clock;
  private final HttpClient client;

  /** @param busyJitter uniform in [0, 1), shortening each pause before a busy GPU is asked again; null: random */
  public ProxyHandler(Vertx vertx, ProxySettings settings, BackendReadiness readiness, Hold hold,
      ActivitySignal activity, BudgetWatch budget, RequestLog requests, Clock clock, DoubleSupplier busyJitter) {
    this.vertx = vertx;
    this.settings = settings;
    this.activity = activity;
    this.budget = budget;
    this.requests = requests;
    this.clock = clock;
    this.coldStart = new ColdStartHold(readiness, hold);
    this.sleepRetry = new SleepRetry(readiness);
    this.busyRetry = busyJitter == null ? new BusyRetry() : new BusyRetry(busyJitter);
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
    RequestLog.Entry log = requests.begin(ctx);
    String length = request.getHeader("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        log.refused("bad_request");
        JsonReplies.errorAndClose(request, 400, "invalid Content-Length");
        return;
      }
      if (declared > settings.maxBodyBytes()) {
        log.refused("too_large");
        ProxyFailure.tooLarge(settings.maxBodyBytes()).answer(request);
        return;
      }
    }
    // The last word of Status, never a call: the hot path stays a field read.
    OverBudget over = budget.now();
    if (over != null) {
      log.refused(OverBudget.CODE);
      OverBudgetReply.answer(request, ctx.normalizedPath(), over, clock.instant());
      return;
    }
    String query = request.query();
    String path = ctx.normalizedPath() + (query == null ? "" : "?" + query);
    new ProxyExchange(vertx, client, settings, coldStart, sleepRetry, busyRetry, activity, budget, clock, ctx,
        path, log)
        .start();
  }

  public void close() {
    client.close();
  }
}
