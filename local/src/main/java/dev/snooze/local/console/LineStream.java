package dev.snooze.local.console;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** An output stream that hands on each complete line it is written, without its line end. */
final class LineStream extends OutputStream {
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final Consumer<String> lines;

  LineStream(Consumer<String> lines) {
    this.lines = lines;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      String line = pending.toString(StandardCharsets.UTF_8);
      pending.reset();
      lines.accept(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    } else {
      pending.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      write(bytes[i]);
    }
  }
}
