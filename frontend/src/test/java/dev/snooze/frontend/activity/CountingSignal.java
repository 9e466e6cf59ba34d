package dev.snooze.frontend.activity;

/** An {@link ActivitySignal} that counts requests begun and in flight, and intents, and publishes nothing. */
public final class CountingSignal implements ActivitySignal {
  private int begun;
  private int inFlight;
  private int intents;

  @Override
  public synchronized InFlight begin(boolean backendAsleep) {
    begun++;
    inFlight++;
    boolean[] closed = {false};
    return () -> {
      synchronized (CountingSignal.this) {
        if (!closed[0]) {
          closed[0] = true;
          inFlight--;
        }
      }
    };
  }

  /** Counts every intent the frontend passes on (no pacing here: that is the publisher's). */
  @Override
  public synchronized boolean intent() {
    intents++;
    return true;
  }

  public synchronized int intents() {
    return intents;
  }

  public synchronized int begun() {
    return begun;
  }

  public synchronized int inFlight() {
    return inFlight;
  }
}
