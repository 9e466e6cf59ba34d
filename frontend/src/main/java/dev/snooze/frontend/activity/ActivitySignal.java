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
}
