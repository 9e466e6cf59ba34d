package dev.snooze.frontend.proxy;

import dev.snooze.frontend.activity.ActivitySignal;
import dev.snooze.frontend.coldstart.BackendReadiness;
import dev.snooze.frontend.coldstart.Hold;
import dev.snooze.frontend.coldstart.HoldRejected;
import dev.snooze.frontend.config.ProxySettings;
import dev.snooze.frontend.reply.JsonReplies;
import dev.snooze.logging.JsonLog;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.util.Map;
import java.util.Set;

/**
 * One proxied request, from arrival to the last byte: activity begun at once, held while the
 * backend is not ready, forwarded with hop-by-hop headers removed, both bodies streamed chunk by
 * chunk with back-pressure, capped at {@code requestTimeout}; a client that leaves resets the
 * upstream request. A forward that finds the GPU just gone to sleep (a refused connection, or the
 * internal load balancer's 503 while the health check confirms it) is held and sent again, with
 * the body it had already sent. Everything runs on the server request's context.
 */
final class ProxyExchange {
  private static final JsonLog LOG = JsonLog.forComponent("frontend.proxy");
  static final String COLD_START_HEADER = "X-Snooze-Cold-Start";
  /** Never sent upstream: the backend gets the backend's Host, and no frontend credential. */
  private static final Set<String> NOT_FORWARDED = Set.of("host", "x-goog-iap-jwt-assertion",
      "x-snooze-cold-start");

  private final Vertx vertx;
  private final HttpClient client;
  private final ProxySettings settings;
  private final BackendReadiness readiness;
  private final Hold hold;
  private final RoutingContext ctx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final String path;
  private final Context context;
  private final ActivitySignal.InFlight inFlight;

  private Hold.Waiter waiter;
  private HttpClientRequest upstream;
  private long timer = -1;
  private boolean done;
  private long bodyBytes;
  /** The body as sent upstream, until the answer shows it need not be sent again. */
  private Buffer sent = Buffer.buffer();
  private boolean resend;

  ProxyExchange(Vertx vertx, HttpClient client, ProxySettings settings, BackendReadiness readiness,
      Hold hold, ActivitySignal activity, RoutingContext ctx, String path) {
    this.vertx = vertx;
    this.client = client;
    this.settings = settings;
    this.readiness = readiness;
    this.hold = hold;
    this.ctx = ctx;
    this.request = ctx.request();
    this.response = ctx.response();
    this.path = path;
    this.context = vertx.getOrCreateContext();
    this.inFlight = activity.begin(!readiness.isReady());
  }

  static JsonObject tooLarge(int max) {
    return JsonReplies.errorBody("the request body is larger than " + max + " bytes").put("maxBodyBytes", max);
  }

  void start() {
    // Through the routing context: it owns the response's end and close handlers.
    ctx.addEndHandler(ended -> {
      if (ended.succeeded()) {
        finish();
      } else {
        clientGone();
      }
    });
    request.exceptionHandler(e -> clientGone());
    admitThenForward(false);
  }

  private void admitThenForward(boolean refusedOnce) {
    if (readiness.isReady()) {
      forward(false, refusedOnce);
      return;
    }
    waiter = hold.admit();
    waiter.future().onComplete(result -> context.runOnContext(v -> {
      waiter = null;
      if (done) {
        return;
      }
      if (result.failed()) {
        HoldRejected rejected = result.cause() instanceof HoldRejected r ? r
            : new HoldRejected("the GPU is waking up", Hold.WAKING, hold.retryAfterSeconds());
        response.putHeader("Retry-After", Long.toString(rejected.retryAfterSeconds()));
        JsonReplies.send(response, 503, JsonReplies.errorBody(rejected.getMessage())
            .put("phase", rejected.phase()).put("retryAfterSeconds", rejected.retryAfterSeconds()));
        finish();
      } else {
        forward(true, refusedOnce);
      }
    }));
  }

  private void forward(boolean cold, boolean refusedOnce) {
    RequestOptions options = settings.backend().request(request.method(), path);
    HopByHop.copy(request.headers(), options.getHeaders() == null ? headers(options) : options.getHeaders(),
        NOT_FORWARDED);
    addForwardedHeaders(options);
    client.request(options).onComplete(result -> {
      if (done) {
        if (result.succeeded()) {
          result.result().reset();
        }
        return;
      }
      if (result.failed()) {
        Throwable cause = result.cause();
        if (cause instanceof ConnectException && !cold && !refusedOnce) {
          // It was ready a moment ago: it has just gone to sleep. Hold instead of failing.
          readiness.markNotReady("forward refused: " + cause.getMessage());
          admitThenForward(true);
          return;
        }
        badGateway(cause);
        return;
      }
      upstream = result.result();
      startTimer();
      upstream.response().onComplete(answer -> {
        if (done) {
          return;
        }
        if (answer.failed()) {
          badGateway(answer.cause());
        } else if (answer.result().statusCode() == 503 && !cold && !refusedOnce && request.isEnded()) {
          maybeAsleep(answer.result());
        } else {
          sent = null;
          relay(answer.result(), cold);
        }
      });
      if (resend) {
        upstream.end(sent);
      } else {
        pumpBody();
      }
    });
  }

  /**
   * A 503 from the internal load balancer means no GPU VM is healthy: the GPU has just gone to
   * sleep and the readiness probe has not seen it yet. The health check tells that apart from the
   * backend's own 503 (e.g. a full queue), which is passed on as it is.
   */
  private void maybeAsleep(HttpClientResponse answer) {
    answer.pause();
    readiness.probeNow().onComplete(probe -> context.runOnContext(v -> {
      if (done) {
        return;
      }
      if (probe.succeeded() && probe.result()) {
        sent = null;
        relay(answer, false);
        answer.resume();
        return;
      }
      LOG.info("backend answered 503 and is not ready: holding the request to send it again",
          "path", path);
      cancelTimer();
      answer.exceptionHandler(ignored -> { }); // the reset below ends it; nothing to report
      upstream.reset();
      upstream = null;
      resend = true;
      admitThenForward(true);
    }));
  }

  private static io.vertx.core.MultiMap headers(RequestOptions options) {
    io.vertx.core.MultiMap map = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
    options.setHeaders(map);
    return map;
  }

  private void addForwardedHeaders(RequestOptions options) {
    io.vertx.core.MultiMap headers = options.getHeaders();
    String remote = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    String previous = request.getHeader("X-Forwarded-For");
    if (remote != null) {
      headers.set("X-Forwarded-For", previous == null ? remote : previous + ", " + remote);
    }
    String proto = request.getHeader("X-Forwarded-Proto");
    headers.set("X-Forwarded-Proto", proto != null ? proto : request.isSSL() ? "https" : "http");
    if (request.getHeader("X-Forwarded-Host") == null && request.authority() != null) {
      headers.set("X-Forwarded-Host", request.authority().toString());
    }
  }

  private void pumpBody() {
    boolean hasLength = request.headers().contains("Content-Length");
    boolean chunkedIn = request.headers().contains("Transfer-Encoding")
        || (request.version() != HttpVersion.HTTP_1_0 && request.version() != HttpVersion.HTTP_1_1
        && !hasLength && request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD);
    if (!hasLength && !chunkedIn) {
      upstream.end();
      resumeRequest();
      return;
    }
    if (!hasLength) {
      upstream.setChunked(true);
    }
    request.handler(this::bodyChunk);
    request.endHandler(v -> {
      if (!done && upstream != null) {
        upstream.end();
      }
    });
    resumeRequest();
  }

  /** Pausing or resuming an ended request would leave the connection unread: a leaving client unseen. */
  private void resumeRequest() {
    if (!request.isEnded()) {
      request.resume();
    }
  }

  private void bodyChunk(Buffer chunk) {
    if (done) {
      return;
    }
    bodyBytes += chunk.length();
    if (sent != null) {
      sent.appendBuffer(chunk);
    }
    if (bodyBytes > settings.maxBodyBytes()) {
      request.pause();
      finish();
      if (response.headWritten()) {
        response.reset(); // the backend answered early: too late for a 413, cut the stream
      } else {
        JsonReplies.sendAndClose(request, 413, tooLarge(settings.maxBodyBytes()));
      }
      resetUpstream();
      return;
    }
    upstream.write(chunk);
    if (upstream.writeQueueFull()) {
      request.pause();
      upstream.drainHandler(v -> request.resume());
    }
  }

  private void relay(HttpClientResponse answer, boolean cold) {
    response.setStatusCode(answer.statusCode());
    if (answer.statusMessage() != null) {
      response.setStatusMessage(answer.statusMessage());
    }
    HopByHop.copy(answer.headers(), response.headers(), Set.of());
    if (cold) {
      response.putHeader(COLD_START_HEADER, "true");
    }
    if (!response.headers().contains("Content-Length") && request.method() != HttpMethod.HEAD
        && answer.statusCode() != 204 && answer.statusCode() != 304) {
      response.setChunked(true);
    }
    answer.handler(chunk -> {
      if (done) {
        return;
      }
      response.write(chunk);
      if (response.writeQueueFull()) {
        answer.pause();
        response.drainHandler(v -> answer.resume());
      }
    });
    answer.exceptionHandler(e -> {
      if (!done) {
        LOG.warning("backend stream broke", "path", path, "error", String.valueOf(e.getMessage()));
        response.reset();
        finish();
      }
    });
    answer.endHandler(v -> {
      if (!done) {
        response.end();
      }
    });
  }

  private void startTimer() {
    timer = vertx.setTimer(settings.requestTimeout().toMillis(), id -> {
      if (done) {
        return;
      }
      LOG.warning("request timed out", "path", path,
          "requestTimeoutSeconds", settings.requestTimeout().toSeconds());
      finish();
      if (response.headWritten()) {
        response.reset();
      } else {
        JsonReplies.error(response, 504,
            "the backend did not finish within " + settings.requestTimeout().toSeconds() + " s");
      }
      resetUpstream();
    });
  }

  private void badGateway(Throwable cause) {
    LOG.warning("backend unreachable", "path", path, "error", String.valueOf(cause.getMessage()));
    if (response.headWritten()) {
      response.reset();
    } else {
      JsonReplies.error(response, 502, "the GPU backend is unreachable");
    }
    finish();
  }

  private void clientGone() {
    if (done) {
      return;
    }
    LOG.info("client left", "path", path);
    finish();
    if (waiter != null) {
      waiter.cancel();
    }
    resetUpstream();
  }

  /** Closes the backend connection of an unfinished exchange (HTTP/1.1: reset closes it). */
  private void resetUpstream() {
    if (upstream != null) {
      upstream.reset();
    }
  }

  private void finish() {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    sent = null;
    inFlight.close();
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
