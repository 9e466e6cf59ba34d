package dev.snooze.local.process;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Copies the lines that child processes append to their log files onto the console, so that a
 * user of the local stack sees the functions' wake and sleep decisions as they happen (as Cloud
 * Logging would show them), while the files keep everything for later.
 */
public final class LogFollower implements AutoCloseable {
  private static final long POLL_MILLIS = 200;

  private final Map<Path, Long> offsets = new HashMap<>();
  private final PrintStream out;
  private final ScheduledExecutorService timer;

  private LogFollower(List<Path> logs, PrintStream out) {
    this.out = out;
    logs.forEach(log -> offsets.put(log, log.toFile().length()));
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "log-follower");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(this::copyNewLines, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Follows {@code logs} from their current end. */
  public static LogFollower follow(List<Path> logs, PrintStream out) {
    return new LogFollower(logs, out);
  }

  private void copyNewLines() {
    offsets.replaceAll((log, offset) -> {
      try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
        long length = file.length();
        if (length <= offset) {
          return offset;
        }
        byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
        file.seek(offset);
        file.readFully(bytes);
        int end = lastNewline(bytes);
        if (end < 0) {
          return offset; // wait for the line to be complete
        }
        out.print(new String(bytes, 0, end + 1, StandardCharsets.UTF_8));
        out.flush();
        return offset + end + 1;
      } catch (IOException e) {
        return offset;
      }
    });
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
