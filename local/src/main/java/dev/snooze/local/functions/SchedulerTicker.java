package dev.snooze.local.functions;

import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the Cloud Scheduler job: POSTs to the Sleep function at a fixed interval. Like
 * the scheduler, it never overlaps its own calls and simply tries again at the next tick.
 */
public final class SchedulerTicker implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("scheduler");

  private final URI target;
  private final HttpClient http;
  private final ScheduledExecutorService timer;

  private SchedulerTicker(URI target, Duration interval) {
    this.target = target;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "scheduler-ticker");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  public static SchedulerTicker start(URI target, Duration interval) {
    return new SchedulerTicker(target, interval);
  }

  private void tick() {
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(3))
              .POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        LOG.warning("the sleep check failed; next tick retries",
            "status", response.statusCode(), "body", response.body());
      }
    } catch (IOException e) {
      LOG.warning("the sleep check could not be called; next tick retries",
          "target", target.toString(), "error", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
