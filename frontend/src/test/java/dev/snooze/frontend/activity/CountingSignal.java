package dev.snooze.frontend.activity;

/** An {@link ActivitySignal} that counts requests begun and in flight and publishes nothing. */
public final class CountingSignal implements ActivitySignal {
  private int begun;
  private int inFlight;

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

  public synchronized int begun() {
    return begun;
  }

  public synchronized int inFlight() {
    return inFlight;
  }
}
