package dev.snooze.frontend.proxy;

import dev.snooze.logging.JsonLog;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line per proxied request, written when it ends (its answer's last byte handed over, or its
 * connection gone), never per chunk, in the shape Cloud Logging reads as an HTTP request:
 * <pre>{@code
 * {"severity":"INFO","message":"POST /api/generate 200","time":"…Z","component":"frontend.request",
 *  "httpRequest":{"requestMethod":"POST","requestUrl":"/api/generate","status":200,
 *                 "responseSize":"5120","latency":"5.120s","remoteIp":"203.0.113.7"},
 *  "outcome":"answered","held":83.214,"busyRetries":2}
 * }</pre>
 * {@code time} is the end (JsonLog's clock when the line is written), so the request began at
 * {@code time - latency} (the planner reads it so); {@code latency} counts from the proxy's first
 * look at the request (after authentication). {@code requestUrl} is the path alone: a query
 * string could carry a prompt. {@code status} is what the client was sent, 499 when it left before
 * any answer; 5xx lines are WARNING. {@code responseSize} counts the body bytes written to the
 * client. {@code held} (seconds waiting for the GPU to wake) is there only for a request that was
 * held; {@code busyRetries} (how often it was sent again because every GPU was busy, the
 * backend's queue full: {@link BusyRetry}) only for a request that was; {@code outcome} is {@code answered} (the backend's answer relayed whole, whatever its
 * status), {@code refused} (answered by the frontend, never forwarded: {@code refusal} says why:
 * {@code over_budget}, {@code waking}, {@code too_large}, {@code bad_request}), {@code failed}
 * (timed out, backend unreachable, its stream broken) or {@code client_left}. The page, the
 * status route and every other route of the frontend's own are not logged here.
 */
public final class RequestLog {
  /** nginx's "client closed request": the client left before any answer. */
  static final int CLIENT_CLOSED = 499;

  enum Outcome {
    ANSWERED("answered"), REFUSED("refused"), FAILED("failed"), CLIENT_LEFT("client_left");

    final String wire;

    Outcome(String wire) {
      this.wire = wire;
    }
  }

  private final JsonLog log;

  public RequestLog(JsonLog log) {
    this.log = log;
  }

  public static RequestLog toStdout() {
    return new RequestLog(JsonLog.forComponent("frontend.request"));
  }

  /** Starts the line of the request in {@code ctx}: it is written when the exchange ends, however it ends. */
  Entry begin(RoutingContext ctx) {
    Entry entry = new Entry(ctx.request(), ctx.normalizedPath());
    // Added before the exchange's own end handler, so run after it (vert.x runs them last first).
    ctx.addEndHandler(ended -> entry.write(ended.succeeded()));
    return entry;
  }

  /** One request's line. Confined to the request's event loop, as the exchange is. */
  final class Entry {
    private final HttpServerRequest request;
    private final String path;
    private final long startNanos = System.nanoTime();
    private long heldNanos;
    private long holdingSince = -1;
    private boolean held;
    private int busyRetries;
    private Outcome outcome;
    private String refusal;

    private Entry(HttpServerRequest request, String path) {
      this.request = request;
      this.path = path;
    }

    /** The request waits in the hold for the GPU from now. */
    void holding() {
      if (holdingSince < 0) {
        holdingSince = System.nanoTime();
        held = true;
      }
    }

    /** The wait in the hold is over (released or turned away). */
    void released() {
      if (holdingSince >= 0) {
        heldNanos += System.nanoTime() - holdingSince;
        holdingSince = -1;
      }
    }

    /** Sent again because the GPU was busy. */
    void busyRetry() {
      busyRetries++;
    }

    /** Answered by the frontend itself, never forwarded, because of {@code why}. */
    void refused(String why) {
      if (outcome == null) {
        outcome = Outcome.REFUSED;
        refusal = why;
      }
    }

    /** Could not be answered as the backend would have: timed out, unreachable, cut mid-stream. */
    void failed() {
      if (outcome == null) {
        outcome = Outcome.FAILED;
      }
    }

    private void write(boolean ended) {
      released();
      HttpServerResponse response = request.response();
      boolean sent = response.headWritten();
      int status = sent ? response.getStatusCode() : CLIENT_CLOSED;
      Outcome how = !sent ? Outcome.CLIENT_LEFT : outcome != null ? outcome : ended ? Outcome.ANSWERED
          : Outcome.CLIENT_LEFT;
      String method = request.method().name();
      Map<String, Object> http = new LinkedHashMap<>(8);
      http.put("requestMethod", method);
      http.put("requestUrl", path);
      http.put("status", status);
      http.put("responseSize", Long.toString(response.bytesWritten()));
      http.put("latency", seconds(System.nanoTime() - startNanos) + "s");
      String ip = remoteIp(request);
      if (ip != null) {
        http.put("remoteIp", ip);
      }
      String message = method + " " + path + " " + status;
      JsonLog.Severity severity = status >= 500 ? JsonLog.Severity.WARNING : JsonLog.Severity.INFO;
      boolean why = how == Outcome.REFUSED && refusal != null;
      boolean busy = busyRetries > 0;
      Object[] fields = new Object[4 + (held ? 2 : 0) + (why ? 2 : 0) + (busy ? 2 : 0)];
      int i = 0;
      fields[i++] = "httpRequest";
      fields[i++] = http;
      fields[i++] = "outcome";
      fields[i++] = how.wire;
      if (why) {
        fields[i++] = "refusal";
        fields[i++] = refusal;
      }
      if (held) {
        fields[i++] = "held";
        fields[i++] = heldSeconds();
      }
      if (busy) {
        fields[i++] = "busyRetries";
        fields[i] = busyRetries;
      }
      log.log(severity, message, fields);
    }

    private double heldSeconds() {
      return Math.round(heldNanos / 1_000_000.0) / 1000.0;
    }
  }

  /** Nanoseconds as seconds with three decimals, as Cloud Logging writes a latency: {@code 5.120}. */
  static String seconds(long nanos) {
    long millis = Math.max(0, Math.round(nanos / 1_000_000.0));
    long rest = millis % 1000;
    return millis / 1000 + (rest < 10 ? ".00" : rest < 100 ? ".0" : ".") + rest;
  }

  /**
   * The client's address. Behind Google's external load balancer (the frontend's place) the
   * {@code X-Forwarded-For} header ends with {@code <client>, <load balancer>}, the balancer
   * appending both to whatever the client sent: the second-to-last entry is the client, and the
   * ones before it are the client's own say. Without two entries, the connection's peer.
   */
  static String remoteIp(HttpServerRequest request) {
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded != null) {
      int last = forwarded.lastIndexOf(',');
      if (last > 0) {
        int before = forwarded.lastIndexOf(',', last - 1);
        String client = forwarded.substring(before + 1, last).trim();
        if (!client.isEmpty()) {
          return client;
        }
      }
    }
    SocketAddress peer = request.remoteAddress();
    return peer == null ? null : peer.hostAddress();
  }
}
