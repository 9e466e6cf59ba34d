package dev.snooze.local.gpu;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One VM's Ollama scheduler as a client meets it: {@link Concurrency#numParallel()} requests
 * generate at once, up to {@link Concurrency#maxQueue()} more wait their turn in arrival order,
 * and one beyond that is turned away at once with Ollama's {@link #BUSY}. The wait happens before
 * the first token, so a queued request's client sees it as a slow first token, as with Ollama.
 * Both APIs of the VM share it: an OpenAI request queues behind an Ollama one.
 */
final class Admission {
  /** Ollama's {@code ErrMaxQueue}, its two spaces included: the body clients match on. */
  static final String BUSY = "server busy, please try again.  maximum pending requests exceeded";

  private final Concurrency limits;
  /** Fair: the queue is first come, first served. */
  private final Semaphore slots;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong busy = new AtomicLong();

  Admission(Concurrency limits) {
    this.limits = limits;
    this.slots = new Semaphore(limits.numParallel(), true);
  }

  /**
   * Takes the request in, queued until {@link Ticket#awaitSlot()}.
   *
   * @return empty when the VM already holds all it may: the caller answers 503 {@link #BUSY}
   */
  Optional<Ticket> enter() {
    while (true) {
      int held = inFlight.get();
      if (held >= limits.capacity()) {
        busy.incrementAndGet();
        return Optional.empty();
      }
      if (inFlight.compareAndSet(held, held + 1)) {
        return Optional.of(new Ticket());
      }
    }
  }

  /** Requests taken in and not ended: generating, queued, or waiting for the model to load. */
  int inFlight() {
    return inFlight.get();
  }

  /** Generation requests answered to the end. */
  long answered() {
    return answered.get();
  }

  /** Requests turned away with 503 {@link #BUSY}. */
  long busy() {
    return busy.get();
  }

  /** One request's place on the VM, from {@link #enter()} until closed; used by its own thread. */
  final class Ticket implements AutoCloseable {
    private boolean generating;
    private boolean closed;

    private Ticket() {}

    /**
     * Waits in the queue until a generation slot is free.
     *
     * @throws IOException when the VM stops meanwhile
     */
    void awaitSlot() throws IOException {
      try {
        slots.acquire();
        generating = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("the VM stopped while the request was queued", e);
      }
    }

    /** The whole answer was written. */
    void answered() {
      answered.incrementAndGet();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (generating) {
        slots.release();
      }
      inFlight.decrementAndGet();
    }
  }
}
