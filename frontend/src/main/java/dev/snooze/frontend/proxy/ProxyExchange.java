package dev.snooze.frontend.proxy;

import dev.snooze.frontend.activity.ActivitySignal;
import dev.snooze.frontend.budget.BudgetUsedUp;
import dev.snooze.frontend.budget.BudgetWatch;
import dev.snooze.frontend.budget.OverBudget;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One proxied request, from arrival to the last byte, as steps on the server request's context:
 * activity counted at once; held while the GPU wakes ({@link ColdStartHold}), unless the GPU
 * budget is used up, so that the wake will not come ({@link BudgetWatch}, {@link OverBudgetReply}:
 * asked before holding, and held requests let go when a later reading finds it); forwarded
 * ({@link UpstreamRequest}) with its body streamed under the cap ({@link BodyPump}) and the answer
 * streamed back ({@link ResponseRelay}), within the request timeout ({@link Deadline}); held and
 * sent again when it finds the GPU just gone to sleep ({@link SleepRetry}, {@link ReplayBody}), or
 * every GPU busy, its queue full ({@link BusyRetry}: sent again after a pause, within the timeout).
 * Where it is, is its {@link Stage}; a failure is answered by {@link ProxyFailure}, a stream the
 * backend stopped mid-way ended by {@link CutStream}; a client that leaves lets go of the backend.
 * How it ended is said once, at its end, in its {@link RequestLog} line.
 */
final class ProxyExchange {
  private static final JsonLog LOG = JsonLog.forComponent("frontend.proxy");

  private final Vertx vertx;
  private final HttpClient client;
  private final ProxySettings settings;
  private final ColdStartHold coldStart;
  private final SleepRetry sleepRetry;
  private final BusyRetry busyRetry;
  private final BudgetWatch budget;
  private final Clock clock;
  private final RequestLog.Entry log;
  private final RoutingContext ctx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final String path;
  private final Context context;
  private final ActivitySignal.InFlight inFlight;

  private Stage stage = Stage.ADMITTING;
  private ReplayBody replay = ReplayBody.keeping();
  private int forwards;
  private int busyRetries;

  ProxyExchange(Vertx vertx, HttpClient client, ProxySettings settings, ColdStartHold coldStart,
      SleepRetry sleepRetry, BusyRetry busyRetry, ActivitySignal activity, BudgetWatch budget, Clock clock,
      RoutingContext ctx, String path, RequestLog.Entry log) {
    this.vertx = vertx;
    this.client = client;
    this.settings = settings;
    this.coldStart = coldStart;
    this.sleepRetry = sleepRetry;
    this.busyRetry = busyRetry;
    this.budget = budget;
    this.clock = clock;
    this.log = log;
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
    if (coldStart.serving()) {
      forward(Attempt.FIRST);
    } else {
      admitIfWithinBudget();
    }
  }

  /**
   * A request that would be held waits for a wake: first Status is asked whether the budget allows
   * one, when its last word is older than a few seconds (the activity is published already, so
   * the wake is not delayed by the question; one the budget forbids does nothing).
   */
  private void admitIfWithinBudget() {
    budget.fresh().onComplete(checked -> context.runOnContext(v -> {
      if (done()) {
        return;
      }
      if (checked.result() != null) {
        overBudget(checked.result());
      } else {
        admit(Attempt.FIRST);
      }
    }));
  }

  private void admit(Attempt attempt) {
    if (coldStart.serving()) {
      forward(attempt);
      return;
    }
    Hold.Waiter waiter = coldStart.admit();
    stage = new Stage.Holding(waiter);
    if (!waiter.future().isComplete()) {
      log.holding();
    }
    waiter.future().onComplete(held -> context.runOnContext(v -> {
      if (done()) {
        return;
      }
      log.released();
      if (held.failed() && held.cause() instanceof BudgetUsedUp usedUp) {
        overBudget(usedUp.overBudget());
      } else if (held.failed()) {
        log.refused("waking");
        coldStart.turnAway(response, held.cause());
        finish();
      } else {
        forward(attempt.held());
      }
    }));
  }

  private void overBudget(OverBudget over) {
    if (abandon()) {
      log.refused(OverBudget.CODE);
      OverBudgetReply.answer(request, ctx.normalizedPath(), over, clock.instant());
    }
  }

  private void forward(Attempt attempt) {
    forward(attempt, () -> Deadline.start(vertx, settings.requestTimeout(), this::timedOut));
  }

  /** @param limit the forward's request timeout, from the connection on: a new one, or what is left of one */
  private void forward(Attempt attempt, Supplier<Deadline> limit) {
    forwards++;
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
      Deadline deadline = limit.get();
      stage = new Stage.Forwarding(upstream, deadline);
      upstream.response().onComplete(answer -> answered(attempt, deadline, answer));
      if (attempt.body() instanceof Attempt.Again again) {
        upstream.end(again.bytes());
      } else {
        BodyPump.pump(request, upstream, settings.maxBodyBytes(), chunk -> replay.add(chunk), this::done)
            .onFailure(tooLarge -> fail(ProxyFailure.tooLarge(settings.maxBodyBytes())));
      }
    });
  }

  private void answered(Attempt attempt, Deadline deadline, AsyncResult<HttpClientResponse> answer) {
    if (done()) {
      return;
    }
    if (answer.failed()) {
      unreachable(answer.cause());
      return;
    }
    int status = answer.result().statusCode();
    if (sleepRetry.mayBeAsleep(attempt, status, request.isEnded())
        || BusyRetry.mayBeBusy(status, request.isEnded())) {
      unavailable(attempt, deadline, answer.result());
    } else {
      relay(answer.result(), attempt);
    }
  }

  /**
   * A 503 to a forward whose body was sent whole: the load balancer's with no GPU behind it, or a
   * busy GPU's. The health check tells which.
   */
  private void unavailable(Attempt attempt, Deadline deadline, HttpClientResponse answer) {
    answer.pause();
    sleepRetry.asleep().onComplete(asleep -> context.runOnContext(v -> {
      if (done()) {
        return;
      }
      if (asleep.result() && SleepRetry.retryable(attempt)) {
        LOG.info("backend answered 503 and is not ready: holding the request to send it again",
            "path", path);
        letGo(answer);
        admit(attempt.retried(replay.again()));
        return;
      }
      Optional<Duration> pause = asleep.result() ? Optional.empty() : busyRetry.pause(busyRetries, deadline.left());
      if (pause.isPresent()) {
        waitForRoom(attempt, deadline, answer, pause.get());
      } else {
        relay(answer, attempt);
        answer.resume();
      }
    }));
  }

  /**
   * Every GPU is busy: the request waits, still in flight, so that this frontend's activity asks
   * for more GPUs, and is sent again after {@code pause}, on what is left of its deadline.
   */
  private void waitForRoom(Attempt attempt, Deadline deadline, HttpClientResponse answer, Duration pause) {
    if (busyRetries == 0) {
      LOG.info("backend busy: holding the request until a GPU has room", "path", path, "attempt", forwards);
    }
    busyRetries++;
    log.busyRetry();
    letGo(answer);
    long timer = vertx.setTimer(Math.max(1, pause.toMillis()), id -> {
      if (!done()) {
        forward(attempt.again(replay.again()), deadline::resumed);
      }
    });
    stage = new Stage.WaitingForRoom(vertx, timer);
  }

  /** Lets go of a 503 not passed on: its connection is reset, its deadline stopped. */
  private void letGo(HttpClientResponse answer) {
    answer.exceptionHandler(ignored -> { }); // the reset ends it; nothing to report
    stage.abandon();
    stage = Stage.ADMITTING;
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
    log.failed();
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
      if (failure.status() == 413) {
        log.refused("too_large");
      } else {
        log.failed();
      }
      failure.answer(request);
    }
  }

  /** Said in the request's log line (outcome {@code client_left}), not on a line of its own. */
  private void clientGone() {
    abandon();
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
