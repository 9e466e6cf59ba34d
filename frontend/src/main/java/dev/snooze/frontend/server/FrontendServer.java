package dev.snooze.frontend.server;

import dev.snooze.frontend.activity.ActivitySignal;
import dev.snooze.frontend.budget.BudgetUsedUp;
import dev.snooze.frontend.budget.BudgetWatch;
import dev.snooze.frontend.coldstart.BackendReadiness;
import dev.snooze.frontend.coldstart.Hold;
import dev.snooze.frontend.config.FrontendConfig;
import dev.snooze.frontend.proxy.ProxyHandler;
import dev.snooze.frontend.proxy.RequestLog;
import dev.snooze.frontend.reply.JsonReplies;
import dev.snooze.logging.JsonLog;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * The frontend's HTTP server on {@code 0.0.0.0:port}. Routes, in order:
 * <ol>
 *   <li>CONNECT and absolute-form or {@code *} request targets: refused (never an open proxy); a
 *       Transfer-Encoding other than chunked: refused (its body would be read as another request);</li>
 *   <li>{@code GET /healthz}: 200 {@code ok}, no authentication, no activity (the MIG's health check);</li>
 *   <li>everything else passes {@code authentication} first when it is set;</li>
 *   <li>{@code GET /snooze/status}: the status JSON ({@link StatusHandler});</li>
 *   <li>{@code POST /snooze/intent}: the page says a person is about to prompt ({@link IntentHandler});</li>
 *   <li>paths under an allowed prefix: held while the GPU wakes, then proxied to the backend, or
 *       refused while the GPU budget is used up; one line each in the request log;</li>
 *   <li>other GET/HEAD: the {@code page} handler when set;</li>
 *   <li>anything else: 404 JSON.</li>
 * </ol>
 */
public final class FrontendServer {
  private static final JsonLog LOG = JsonLog.forComponent("frontend.server");
  private static final int SERVERS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private final Vertx vertx;
  private final FrontendConfig config;
  private final ActivitySignal activity;
  private final Handler<RoutingContext> authentication;
  private final Handler<RoutingContext> page;

  private Duration probeInterval = Duration.ofSeconds(1);
  private Clock clock = Clock.systemUTC();
  private Integer listenPort;
  private StatusSource statusSource;
  private boolean statusSourceSet;
  private RequestLog requestLog = RequestLog.toStdout();
  private DoubleSupplier busyJitter;

  /** Connections that sent a request without valid framing; they are closed after answering. */
  private final Set<HttpConnection> untrusted =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private BackendReadiness readiness;
  private Hold hold;
  private BudgetWatch budget;
  private ProxyHandler proxy;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  public FrontendServer(Vertx vertx, FrontendConfig config, ActivitySignal activity,
      Handler<RoutingContext> authentication, Handler<RoutingContext> page) {
    this.vertx = vertx;
    this.config = config;
    this.activity = activity;
    this.authentication = authentication;
    this.page = page;
  }

  /** How often the backend is probed while not ready (default 1 s). Before {@link #start()}. */
  public FrontendServer probeInterval(Duration interval) {
    this.probeInterval = interval;
    return this;
  }

  /** The clock for readiness bookkeeping and caches. Before {@link #start()}. */
  public FrontendServer clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Listen on this port instead of the configured one (0: any free port, for tests). */
  public FrontendServer listenPort(int port) {
    this.listenPort = port;
    return this;
  }

  /** Replaces the default source ({@link HttpStatusSource} for the status URL, or none without one). */
  public FrontendServer statusSource(StatusSource source) {
    this.statusSource = source;
    this.statusSourceSet = true;
    return this;
  }

  /** Where the request log's lines go (default: stdout and stderr, as every log). Before {@link #start()}. */
  public FrontendServer requestLog(RequestLog log) {
    this.requestLog = log;
    return this;
  }

  /**
   * For tests: the jitter of the pauses before a busy GPU is asked again, uniform in [0, 1)
   * (0: the whole backoff, every time). Default random. Before {@link #start()}.
   */
  public FrontendServer busyJitter(DoubleSupplier jitter) {
    this.busyJitter = jitter;
    return this;
  }

  public Future<FrontendServer> start() {
    URI statusUrl = config.server().statusUrl();
    if (!statusSourceSet && statusUrl != null) {
      // HTTPS means a deployed function, invokable only with an ID token; HTTP the local stack.
      boolean deployed = "https".equals(statusUrl.getScheme());
      statusSource = new HttpStatusSource(vertx, statusUrl, Duration.ofSeconds(2),
          Duration.ofSeconds(1), clock, deployed ? new GoogleIdToken(statusUrl) : null);
    }
    // Every reading of Status, whoever asks (the page, the readiness probe), passes through the
    // budget watch, so that the proxy knows the budget's state without asking on its own.
    StatusSource source = statusSource;
    budget = new BudgetWatch(source == null ? null : source::fetch, clock, BudgetWatch.FRESH);
    StatusSource watched = source == null ? null : budget::fetch;
    // Status's boot stages hold requests back while the model loads behind a healthy container.
    readiness = new BackendReadiness(vertx, config.readiness(), clock, probeInterval,
        watched == null ? null : watched::fetch);
    hold = new Hold(vertx, readiness, config.hold(), clock);
    // Held requests wait for a wake that a used-up budget forbids: they are let go at once.
    budget.onOverBudget(over -> hold.rejectAll(new BudgetUsedUp(over)));
    budget.start(vertx, () -> hold.pending() > 0);
    proxy = new ProxyHandler(vertx, config.proxy(), readiness, hold, activity, budget, requestLog, clock,
        busyJitter);
    Router router = router(watched);
    int port = listenPort != null ? listenPort : config.server().port();
    readiness.start();
    // One server per core on the same port: vert.x hands each accepted connection to the next
    // one, each on its own event loop (a server created off an event loop gets the next loop).
    // A single server would proxy on one core whatever the VM has. Vert.x shares a random port
    // between servers that ask for the same negative port.
    int shared = port == 0 ? -1 : port;
    List<Future<HttpServer>> listening = new ArrayList<>();
    for (int i = 0; i < SERVERS; i++) {
      listening.add(listen(router, shared));
    }
    // join, not all: when one fails (port taken), wait for the others, so that none stays bound.
    return Future.join(listening).transform(all -> {
      listening.stream().filter(Future::succeeded).forEach(started -> servers.add(started.result()));
      if (all.failed()) {
        return close().transform(closed -> Future.failedFuture(all.cause()));
      }
      LOG.info("frontend listening", "port", port(),
          "backend", config.proxy().backend().toString(),
          "allowedPaths", String.join(",", config.server().allowedPaths()),
          "iap", config.iap().enabled(), "eventLoops", servers.size());
      return Future.succeededFuture(this);
    });
  }

  private Future<HttpServer> listen(Router router, int port) {
    return vertx.createHttpServer(new HttpServerOptions()
            // HTTP/1.1 only, as the load balancer speaks to its backends: no h2c upgrade (on by
            // default in vert.x), whose connection-wide closes would end every stream on it.
            .setHttp2ClearTextEnabled(false)
            .setIdleTimeout(0)
            .setCompressionSupported(false))
        .requestHandler(router)
        .listen(port, "0.0.0.0");
  }

  public int port() {
    return servers.get(0).actualPort();
  }

  public BackendReadiness readiness() {
    return readiness;
  }

  public Hold hold() {
    return hold;
  }

  /** What the frontend knows of the GPU budget. */
  public BudgetWatch budget() {
    return budget;
  }

  public Future<Void> close() {
    if (readiness != null) {
      readiness.close();
    }
    if (budget != null) {
      budget.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (statusSource != null) {
      statusSource.close();
    }
    return Future.all(servers.stream().map(HttpServer::close).toList()).mapEmpty();
  }

  private Router router(StatusSource status) {
    Router router = Router.router(vertx);
    router.route().order(-1000).handler(this::refuseProxyForms);
    router.get("/healthz").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; charset=utf-8").end("ok"));
    if (authentication != null) {
      router.route().handler(authentication);
    }
    router.get("/snooze/status").handler(new StatusHandler(readiness, hold, config.hold().expectedWake(), status,
        config.activity().wakeOn()));
    router.route("/snooze/intent").handler(new IntentHandler(activity, config.activity().wakeOn(),
        () -> budget.now() != null));
    List<String> prefixes = config.server().allowedPaths();
    router.route().handler(ctx -> {
      String path = ctx.normalizedPath();
      if (prefixes.stream().anyMatch(path::startsWith)) {
        proxy.handle(ctx);
      } else if (page != null && (ctx.request().method() == HttpMethod.GET
          || ctx.request().method() == HttpMethod.HEAD)) {
        page.handle(ctx);
      } else {
        ctx.next();
      }
    });
    router.route().handler(ctx -> JsonReplies.error(ctx.response(), 404, "not found"));
    router.errorHandler(500, ctx -> {
      LOG.error("request failed", "path", ctx.normalizedPath(),
          "error", String.valueOf(ctx.failure()));
      JsonReplies.error(ctx.response(), 500, "internal error");
    });
    return router;
  }

  /** No Transfer-Encoding, or exactly one: chunked (what load balancers and browsers send). */
  private static boolean framedByChunkedOrLength(HttpServerRequest request) {
    List<String> codings = request.headers().getAll("Transfer-Encoding");
    return codings.isEmpty() || codings.size() == 1 && "chunked".equalsIgnoreCase(codings.get(0).trim());
  }

  private void refuseProxyForms(RoutingContext ctx) {
    // Keep a request body unread (buffered by Vert.x) through asynchronous authentication and
    // the cold-start hold; the proxy resumes it when it streams it upstream.
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    if (untrusted.contains(ctx.request().connection())) {
      // Pipelined after a request whose body length was unknown: it may be that body.
      JsonReplies.errorAndClose(ctx.request(), 400, "an earlier request on this connection had no valid framing");
    } else if (ctx.request().method() == HttpMethod.CONNECT) {
      JsonReplies.errorAndClose(ctx.request(), 405, "CONNECT is not supported");
    } else if (!ctx.request().uri().startsWith("/")) {
      JsonReplies.errorAndClose(ctx.request(), 400, "only origin-form request targets are accepted");
    } else if (!framedByChunkedOrLength(ctx.request())) {
      // The HTTP codec reads a body whose Transfer-Encoding is not chunked as no body at all, so
      // the body's bytes would be parsed as the next request on the connection: request
      // smuggling. RFC 9112 6.3: answer 400 and close the connection. Vert.x may already hold
      // the next request, and dispatches it as soon as this answer is written, before the
      // close: it gets a 400 too.
      untrusted.add(ctx.request().connection());
      JsonReplies.errorAndClose(ctx.request(), 400, "Transfer-Encoding must be chunked alone");
    } else {
      ctx.next();
    }
  }
}
