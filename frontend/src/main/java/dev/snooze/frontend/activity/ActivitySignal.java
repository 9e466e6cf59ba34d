package dev.snooze.frontend.activity;

/**
 * What the proxy tells the activity publisher: user requests, and when each ends, so that
 * heartbeats flow while any request is in flight; and what the page tells it: a person is about
 * to prompt. Implementations never block and never fail the caller: publishing happens elsewhere.
 */
public interface ActivitySignal {

  /**
   * A user request to the backend begins (never a health check or a static file).
   *
   * @param backendAsleep the backend is known not to serve: publish at once, not debounced
   * @return call {@link InFlight#close()} when the request ends, however it ends
   */
  InFlight begin(boolean backendAsleep);

  /**
   * A person is about to prompt (the page was opened, or typing began): publish an intent, which
   * wakes a sleeping GPU and never keeps an awake one awake. Paced on its own, at most one per
   * window whatever the page does (a reload storm wakes the GPU once); never a request in flight,
   * never a heartbeat, never counted against the requests' own pacing.
   *
   * @return whether an intent is published (false: one went out within the window)
   */
  boolean intent();

  /** One request in flight. */
  interface InFlight extends AutoCloseable {
    @Override
    void close();
  }
}
