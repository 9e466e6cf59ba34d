package dev.snooze.frontend.activity;

/**
 * What the proxy tells the activity publisher: user requests, and when each ends, so that
 * heartbeats flow while any request is in flight. Implementations never block and never fail
 * the caller: publishing happens elsewhere.
 */
public interface ActivitySignal {

  /**
   * A user request to the backend begins (never a health check or a static file).
   *
   * @param backendAsleep the backend is known not to serve: publish at once, not debounced
   * @return call {@link InFlight#close()} when the request ends, however it ends
   */
  InFlight begin(boolean backendAsleep);

  /** One request in flight. */
  interface InFlight extends AutoCloseable {
    @Override
    void close();
  }

  /** For tests and for a frontend without a topic: counts, publishes nothing. */
  final class Counting implements ActivitySignal {
    private int begun;
    private int inFlight;

    @Override
    public synchronized InFlight begin(boolean backendAsleep) {
      begun++;
      inFlight++;
      boolean[] closed = {false};
      return () -> {
        synchronized (Counting.this) {
          if (!closed[0]) {
            closed[0] = true;
            inFlight--;
          }
        }
      };
    }

    public synchronized int begun() {
      return begun;
    }

    public synchronized int inFlight() {
      return inFlight;
    }
  }
}
