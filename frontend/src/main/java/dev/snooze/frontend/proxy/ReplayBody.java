package dev.snooze.frontend.proxy;

import io.vertx.core.buffer.Buffer;

/**
 * The request body as sent upstream, kept only while it may have to be sent again: until the
 * answer shows that the GPU had not gone to sleep under the forward, or the exchange ends. Up to
 * the body cap per request, so it is dropped as soon as it cannot be needed.
 */
sealed interface ReplayBody {
  ReplayBody DROPPED = new Dropped();

  static ReplayBody keeping() {
    return new Kept(Buffer.buffer());
  }

  /** Keeps a chunk just sent; nothing once dropped. */
  void add(Buffer chunk);

  /** What the second forward sends: the bytes kept. */
  Attempt.Body again();

  record Kept(Buffer bytes) implements ReplayBody {
    @Override
    public void add(Buffer chunk) {
      bytes.appendBuffer(chunk);
    }

    @Override
    public Attempt.Body again() {
      return new Attempt.Again(bytes);
    }
  }

  record Dropped() implements ReplayBody {
    @Override
    public void add(Buffer chunk) {}

    @Override
    public Attempt.Body again() {
      throw new IllegalStateException("the request body was not kept: it cannot be sent again");
    }
  }
}
