package dev.snooze.functions;

import dev.snooze.logging.JsonLog;
import java.util.function.Consumer;
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
   * Starts building it now, on a thread of its own, then makes one call with it ({@code exercise}:
   * a read), so that the first real use finds the client built and its connection, classes and
   * codecs warm: a wake's first call otherwise pays about a second for them, which the user waits
   * for (and which would be learned as part of the VM's provisioning). A failure here is left for
   * that use to meet again.
   */
  void warm(Consumer<T> exercise) {
    Thread thread = new Thread(() -> {
      try {
        exercise.accept(get());
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
