package dev.snooze.frontend.server;

import dev.snooze.frontend.config.Origin;
import dev.snooze.logging.JsonLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The Status function over HTTP, with a short timeout and answers (successes and failures) cached
 * for {@code ttl} so that many open pages make about one call per second. In GCP the function is
 * invokable only by the frontend's service account: each call then carries a Google ID token for
 * the function's URL ({@link GoogleIdToken}); the local stack calls it without one.
 */
public final class HttpStatusSource implements StatusSource {
  private static final JsonLog LOG = JsonLog.forComponent("frontend.status");

  private final HttpClient client;
  private final URI url;
  private final Origin origin;
  private final Duration timeout;
  private final Duration ttl;
  private final Clock clock;
  private final Vertx vertx;
  private final Context context;
  private final Supplier<String> idToken;

  private Future<JsonObject> cached;
  private Instant cachedAt = Instant.MIN;

  public HttpStatusSource(Vertx vertx, URI url, Duration timeout, Duration ttl, Clock clock) {
    this(vertx, url, timeout, ttl, clock, null);
  }

  /** @param idToken gives the bearer token for each call (may block); null sends none */
  public HttpStatusSource(Vertx vertx, URI url, Duration timeout, Duration ttl, Clock clock,
      Supplier<String> idToken) {
    this.vertx = vertx;
    // Every step of a call runs on this one event loop: a chain built on another thread could see
    // the response arrive before its body handler is attached, and wait forever.
    this.context = vertx.getOrCreateContext();
    this.idToken = idToken;
    this.url = url;
    this.origin = Origin.of(url);
    this.timeout = timeout;
    this.ttl = ttl;
    this.clock = clock;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) timeout.toMillis()));
  }

  @Override
  public synchronized Future<JsonObject> fetch() {
    Instant now = clock.instant();
    if (cached != null && (!cached.isComplete() || now.isBefore(cachedAt.plus(ttl)))) {
      return cached;
    }
    cachedAt = now;
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    RequestOptions options = origin.options()
        .setMethod(HttpMethod.GET)
        .setURI(path)
        .setIdleTimeout(timeout.toMillis())
        .putHeader("Accept", "application/json");
    Promise<JsonObject> answer = Promise.promise();
    context.runOnContext(ignored -> call(options).onComplete(answer));
    cached = answer.future()
        .timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onFailure(e -> LOG.warning("Status function unavailable",
            "url", url.toString(), "error", String.valueOf(e.getMessage())));
    return cached;
  }

  private Future<JsonObject> call(RequestOptions options) {
    // Fetching a token may block on the metadata server: never on the event loop.
    Future<RequestOptions> authorized = idToken == null
        ? Future.succeededFuture(options)
        : vertx.executeBlocking(() -> options.putHeader("Authorization", "Bearer " + idToken.get()), false);
    return authorized
        .compose(client::request)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> parse(response.statusCode(), body)));
  }

  private static JsonObject parse(int status, Buffer body) {
    if (status / 100 != 2) {
      throw new IllegalStateException("the Status function answered " + status);
    }
    return new JsonObject(body);
  }

  @Override
  public void close() {
    client.close();
  }
}
