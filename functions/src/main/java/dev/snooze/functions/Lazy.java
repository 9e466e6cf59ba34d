package dev.snooze.functions;

import dev.snooze.logging.JsonLog;
import java.util.function.Supplier;

/**
 * A client built on first use, then kept for the instance's life. Building Compute's client costs
 * about a third of Wake's cold start (it parses the whole compute v1 descriptor), and a Wake that
 * only records activity never needs it. A failed build is not kept: the next use tries again.
 */
final class Lazy<T> {
  private static final JsonLog LOG = JsonLog.forComponent("config");

  private final String name;
  private final Supplier<T> build;
  private T value;

  Lazy(String name, Supplier<T> build) {
    this.name = name;
    this.build = build;
  }

  /**
   * Starts building it now, on a thread of its own, so that the first use (a wake: the user waits
   * for it) finds it built or nearly so. A failure here is left for that use to meet again.
   */
  void warm() {
    Thread thread = new Thread(() -> {
      try {
        get();
      } catch (RuntimeException e) {
        LOG.info(name + " client not built ahead of use; the first use tries again", "error", String.valueOf(e.getMessage()));
      }
    }, "warm-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  synchronized T get() {
    if (value == null) {
      long started = System.nanoTime();
      value = build.get();
      LOG.info(name + " client ready", "millis", (System.nanoTime() - started) / 1_000_000);
    }
    return value;
  }
}
