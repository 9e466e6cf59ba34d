package dev.snooze.bench.fanin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends requests at a fixed rate whatever the answers take (open loop, as users arrive), and
 * records how each ended.
 */
final class OpenLoop {
  /** What a run did: answers by class, latencies of the 2xx ones, and the rate actually sent. */
  record Result(int sent, int ok, int failed, List<Double> latenciesMs, double seconds) {
    double achievedRate() {
      return sent / seconds;
    }
  }

  private OpenLoop() {}

  static Result run(URI target, int requests, double perSecond) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).GET().build();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> pending = new ArrayList<>(requests);
    long period = (long) (1e9 / perSecond);
    long start = System.nanoTime();
    long last = start;
    for (int i = 0; i < requests; i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      long sentAt = System.nanoTime();
      last = sentAt;
      pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
        if (error == null && response.statusCode() / 100 == 2) {
          ok.incrementAndGet();
          latencies.add((System.nanoTime() - sentAt) / 1e6);
        } else {
          failed.incrementAndGet();
        }
      }));
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Counted per request above.
    }
    double seconds = Math.max(1e-9, (last - start) / 1e9 + 1 / perSecond);
    return new Result(requests, ok.get(), failed.get(), new ArrayList<>(latencies), seconds);
  }
}
