package dev.snooze.frontend.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * Flow control between the two sides of the proxy: a chunk is written on, and while the
 * destination's queue is full its source is paused, so a slow reader holds memory to one queue
 * rather than the whole stream.
 */
final class BackPressure {
  private BackPressure() {}

  static void write(Buffer chunk, WriteStream<Buffer> to, ReadStream<Buffer> from) {
    to.write(chunk);
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }
}
