package dev.snooze.frontend.proxy;

import dev.snooze.frontend.activity.ActivitySignal;
import dev.snooze.frontend.coldstart.Hold;
import dev.snooze.frontend.config.ProxySettings;
import dev.snooze.logging.JsonLog;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One proxied request, from arrival to the last byte, as steps on the server request's context:
 * activity counted at once; held while the GPU wakes ({@link ColdStartHold}); forwarded
 * ({@link UpstreamRequest}) with its body streamed under the cap ({@link BodyPump}) and the answer
 * streamed back ({@link ResponseRelay}), within the request timeout ({@link Deadline}); held and
 * sent again when it finds the GPU just gone to sleep ({@link SleepRetry}, {@link ReplayBody}).
 * Where it is, is its {@link Stage}; a failure is answered by {@link ProxyFailure}, a stream the
 * backend stopped mid-way ended by {@link CutStream}; a client that leaves lets go of the backend.
 */
final class ProxyExchange {
  private static final JsonLog LOG = JsonLog.forComponent("frontend.proxy");

  private final Vertx vertx;
  private final HttpClient client;
  private final ProxySettings settings;
  private final ColdStartHold coldStart;
  private final SleepRetry sleepRetry;
  private final RoutingContext ctx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final String path;
  private final Context context;
  private final ActivitySignal.InFlight inFlight;

  private Stage stage = Stage.ADMITTING;
  private ReplayBody replay = ReplayBody.keeping();

  ProxyExchange(Vertx vertx, HttpClient client, ProxySettings settings, ColdStartHold coldStart,
      SleepRetry sleepRetry, ActivitySignal activity, RoutingContext ctx, String path) {
    this.vertx = vertx;
    this.client = client;
    this.settings = settings;
    this.coldStart = coldStart;
    this.sleepRetry = sleepRetry;
    this.ctx = ctx;
    this.request = ctx.request();
    this.response = ctx.response();
    this.path = path;
    this.context = vertx.getOrCreateContext();
    this.inFlight = activity.begin(!coldStart.serving());
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
    admit(Attempt.FIRST);
  }

  private void admit(Attempt attempt) {
    if (coldStart.serving()) {
      forward(attempt);
      return;
    }
    Hold.Waiter waiter = coldStart.admit();
    stage = new Stage.Holding(waiter);
    waiter.future().onComplete(held -> context.runOnContext(v -> {
      if (done()) {
        return;
      }
      if (held.failed()) {
        coldStart.turnAway(response, held.cause());
        finish();
      } else {
        forward(attempt.held());
      }
    }));
  }

  private void forward(Attempt attempt) {
    stage = Stage.CONNECTING;
    client.request(UpstreamRequest.of(settings.backend(), request, path)).onComplete(connected -> {
      if (done()) {
        if (connected.succeeded()) {
          connected.result().reset();
        }
        return;
      }
      if (connected.failed()) {
        if (sleepRetry.refused(attempt, connected.cause())) {
          stage = Stage.ADMITTING;
          admit(attempt.retried(attempt.body())); // nothing of the body was read: stream it again
        } else {
          unreachable(connected.cause());
        }
        return;
      }
      HttpClientRequest upstream = connected.result();
      stage = new Stage.Forwarding(upstream, Deadline.start(vertx, settings.requestTimeout(), this::timedOut));
      upstream.response().onComplete(answer -> answered(attempt, answer));
      if (attempt.body() instanceof Attempt.Again again) {
        upstream.end(again.bytes());
      } else {
        BodyPump.pump(request, upstream, settings.maxBodyBytes(), chunk -> replay.add(chunk), this::done)
            .onFailure(tooLarge -> fail(ProxyFailure.tooLarge(settings.maxBodyBytes())));
      }
    });
  }

  private void answered(Attempt attempt, AsyncResult<HttpClientResponse> answer) {
    if (done()) {
      return;
    }
    if (answer.failed()) {
      unreachable(answer.cause());
    } else if (sleepRetry.mayBeAsleep(attempt, answer.result().statusCode(), request.isEnded())) {
      retryIfAsleep(attempt, answer.result());
    } else {
      relay(answer.result(), attempt);
    }
  }

  /** A 503 that may be the load balancer's with no GPU behind it: the health check tells. */
  private void retryIfAsleep(Attempt attempt, HttpClientResponse answer) {
    answer.pause();
    sleepRetry.asleep().onComplete(asleep -> context.runOnContext(v -> {
      if (done()) {
        return;
      }
      if (!asleep.result()) {
        relay(answer, attempt);
        answer.resume();
        return;
      }
      LOG.info("backend answered 503 and is not ready: holding the request to send it again",
          "path", path);
      answer.exceptionHandler(ignored -> { }); // the reset below ends it; nothing to report
      stage.abandon();
      stage = Stage.ADMITTING;
      admit(attempt.retried(replay.again()));
    }));
  }

  private void relay(HttpClientResponse answer, Attempt attempt) {
    replay = ReplayBody.DROPPED; // answered: it will not be sent again
    RelayedBytes relayed = new RelayedBytes();
    ResponseRelay.relay(answer, request, attempt.coldStart(), this::done, relayed)
        .onFailure(broke -> streamBroke(broke, relayed));
  }

  /**
   * The backend's stream broke mid-answer, most often because its GPU VM was preempted or lost: a
   * stream the client can still read an error in ends with one ({@link CutStream}), any other is
   * cut, the only way left to say the answer is incomplete.
   */
  private void streamBroke(Throwable broke, RelayedBytes relayed) {
    Optional<CutStream> format = CutStream.of(response);
    LOG.warning("backend stream broke", "path", path, "error", String.valueOf(broke.getMessage()),
        "bytesRelayed", relayed.count(),
        "client", format.map(f -> "told in the stream (" + f.name().toLowerCase(Locale.ROOT) + " error record)")
            .orElse("connection reset"));
    if (format.isPresent()) {
      response.end(format.get().record(relayed));
    } else {
      response.reset();
    }
    finish();
  }

  private void timedOut() {
    LOG.warning("request timed out", "path", path,
        "requestTimeoutSeconds", settings.requestTimeout().toSeconds());
    fail(ProxyFailure.timedOut(settings.requestTimeout()));
  }

  private void unreachable(Throwable cause) {
    LOG.warning("backend unreachable", "path", path, "error", String.valueOf(cause.getMessage()));
    fail(ProxyFailure.unreachable());
  }

  private void fail(ProxyFailure failure) {
    if (abandon()) {
      failure.answer(request);
    }
  }

  private void clientGone() {
    if (abandon()) {
      LOG.info("client left", "path", path);
    }
  }

  private boolean done() {
    return stage instanceof Stage.Done;
  }

  /** Over at its end (answered, or turned away): false if it already was. */
  private boolean finish() {
    return end(Stage::end);
  }

  /** Over before its end: the hold's slot or the backend request is let go too. */
  private boolean abandon() {
    return end(Stage::abandon);
  }

  private boolean end(Consumer<Stage> release) {
    if (done()) {
      return false;
    }
    Stage last = stage;
    stage = Stage.DONE;
    release.accept(last);
    replay = ReplayBody.DROPPED;
    inFlight.close();
    return true;
  }
}
