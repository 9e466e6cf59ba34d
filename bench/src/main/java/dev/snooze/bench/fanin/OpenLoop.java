package dev.snooze.bench.fanin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends requests at a fixed rate whatever the answers take (open loop, as users arrive), and
 * records how each ended. At most {@link #MAX_IN_FLIGHT} wait for an answer at once: an
 * overloaded machine then sends slower (the achieved rate says so) instead of drowning in
 * connections.
 */
final class OpenLoop {
  /**
   * What a run did: answers by class, latencies of the 2xx ones, how long sending took (for the
   * rate actually sent) and how long until the last answer (the span the frontend saw requests in).
   */
  record Result(int sent, int ok, int failed, Map<String, Integer> failures, List<Double> latenciesMs,
      double seconds, double secondsToLastAnswer) {
    double achievedRate() {
      return sent / seconds;
    }
  }

  static final int MAX_IN_FLIGHT = 512;

  private OpenLoop() {}

  static Result run(URI target, int requests, double perSecond) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).GET().build();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong lastAnswer = new AtomicLong();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> pending = new ArrayList<>(requests);
    Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    long period = (long) (1e9 / perSecond);
    long start = System.nanoTime();
    long last = start;
    for (int i = 0; i < requests; i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      slots.acquire();
      long sentAt = System.nanoTime();
      last = sentAt;
      pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
        lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
        slots.release();
        if (error == null && response.statusCode() / 100 == 2) {
          ok.incrementAndGet();
          latencies.add((System.nanoTime() - sentAt) / 1e6);
        } else {
          failed.incrementAndGet();
          String why = error != null ? rootCause(error).getClass().getSimpleName() : "HTTP " + response.statusCode();
          failures.merge(why, 1, Integer::sum);
        }
      }));
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Counted per request above.
    }
    double seconds = Math.max(1e-9, (last - start) / 1e9 + 1 / perSecond);
    return new Result(requests, ok.get(), failed.get(), new TreeMap<>(failures), new ArrayList<>(latencies), seconds,
        (lastAnswer.get() - start) / 1e9);
  }

  private static Throwable rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
