package dev.snooze.local.gpu;

/**
 * How many requests one VM's Ollama takes at once, as its environment sets it.
 *
 * @param numParallel {@code OLLAMA_NUM_PARALLEL}: requests that generate at the same time
 * @param maxQueue {@code OLLAMA_MAX_QUEUE}: requests that may wait for a slot beyond those; one
 *     more is answered 503 "server busy"
 */
public record Concurrency(int numParallel, int maxQueue) {
  /**
   * Ollama's own defaults when neither variable is set on a GPU with room for them: it picks 4
   * parallel requests where memory allows (an L4's 24 GB for a small model), else 1; a queue of 512.
   */
  public static final Concurrency OLLAMA_DEFAULTS = new Concurrency(4, 512);
  /** No request ever waits or is turned away: the stand-in before it modelled Ollama's queue. */
  public static final Concurrency UNLIMITED = new Concurrency(Integer.MAX_VALUE, 0);

  public Concurrency {
    if (numParallel < 1) {
      throw new IllegalArgumentException("at least one request must generate at a time: " + numParallel);
    }
    if (maxQueue < 0) {
      throw new IllegalArgumentException("a queue cannot be negative: " + maxQueue);
    }
  }

  /** Requests a VM holds at once, generating or waiting; long, as UNLIMITED's overflows an int. */
  long capacity() {
    return (long) numParallel + maxQueue;
  }
}
