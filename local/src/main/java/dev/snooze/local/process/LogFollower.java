package dev.snooze.local.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands on, line by line, what child processes append to their log files, so that a user of the
 * local stack sees the functions' wake and sleep decisions as they happen (as Cloud Logging would
 * show them), while the files keep everything for later.
 */
public final class LogFollower implements AutoCloseable {
  private static final long POLL_MILLIS = 200;

  private final Map<Path, Long> offsets = new HashMap<>();
  private final Consumer<String> lines;
  private final ScheduledExecutorService timer;

  private LogFollower(List<Path> logs, Consumer<String> lines) {
    this.lines = lines;
    logs.forEach(log -> offsets.put(log, log.toFile().length()));
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "log-follower");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(this::copyNewLines, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Follows {@code logs} from their current end, each complete line to {@code lines}. */
  public static LogFollower follow(List<Path> logs, Consumer<String> lines) {
    return new LogFollower(logs, lines);
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
        new String(bytes, 0, end, StandardCharsets.UTF_8).lines().forEach(lines);
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
