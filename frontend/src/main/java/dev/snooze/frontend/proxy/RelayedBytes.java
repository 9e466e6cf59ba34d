package dev.snooze.frontend.proxy;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * What of the backend's answer has been handed to the client so far: how many bytes (for the log
 * when the stream breaks) and the last few, which say whether the backend was cut between two
 * records or inside one ({@link CutStream} must not glue its error record onto half a record).
 */
final class RelayedBytes {
  /** Enough for the longest record boundary looked at: an SSE blank line as {@code \r\n\r\n}. */
  private static final int TAIL = 4;

  private long count;
  private final byte[] tail = new byte[TAIL];
  private int tailLength;

  void add(Buffer chunk) {
    int length = chunk.length();
    count += length;
    int take = Math.min(TAIL, length);
    int keep = Math.min(tailLength, TAIL - take);
    System.arraycopy(tail, tailLength - keep, tail, 0, keep);
    for (int i = 0; i < take; i++) {
      tail[keep + i] = chunk.getByte(length - take + i);
    }
    tailLength = keep + take;
  }

  long count() {
    return count;
  }

  /** The last bytes relayed, at most four, oldest first. */
  byte[] tail() {
    return Arrays.copyOf(tail, tailLength);
  }
}
