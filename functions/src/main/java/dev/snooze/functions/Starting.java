package dev.snooze.functions;

import dev.snooze.logging.JsonLog;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A client being built on its own daemon thread from the moment the function instance starts.
 * Building Compute's and Firestore's clients costs more CPU than the rest of a cold start (the
 * Compute client alone parses the whole compute v1 descriptor), and the invoker builds the
 * function before it opens its port: built in the background, they overlap each other, the
 * invoker's own start and the first request's network waits. The first use waits for the build.
 */
final class Starting<T> {
  private static final JsonLog LOG = JsonLog.forComponent("config");

  private final CompletableFuture<T> future = new CompletableFuture<>();

  private Starting(String name, Supplier<T> build) {
    long started = System.nanoTime();
    Thread thread = new Thread(() -> {
      try {
        future.complete(build.get());
        LOG.info(name + " client ready", Map.of("millis", (System.nanoTime() - started) / 1_000_000));
      } catch (RuntimeException | Error e) {
        future.completeExceptionally(e);
      }
    }, "snooze-start-" + name.toLowerCase(java.util.Locale.ROOT));
    thread.setDaemon(true);
    thread.start();
  }

  static <T> Starting<T> start(String name, Supplier<T> build) {
    return new Starting<>(name, build);
  }

  /** The client, once built; a failed build throws its own exception, on every call. */
  T get() {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
