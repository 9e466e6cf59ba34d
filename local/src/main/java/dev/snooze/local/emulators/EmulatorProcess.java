package dev.snooze.local.emulators;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One emulator started by us: its process tree, its port and its log file. The Firestore
 * launcher is a bash script that forks (not execs) its JVM, so killing the script alone would
 * leave the emulator serving; stopping therefore walks the whole tree.
 */
final class EmulatorProcess implements AutoCloseable {
  private static final int LOG_TAIL_LINES = 20;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final Emulator emulator;
  private final Process process;
  private final int port;
  private final Path log;

  private EmulatorProcess(Emulator emulator, Process process, int port, Path log) {
    this.emulator = emulator;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Launches the emulator on a free loopback port and returns once it answers HTTP. */
  static EmulatorProcess start(
      Emulator emulator, Path launcher, String project, Path logDir, Duration readyTimeout) {
    int port = freePort();
    Path log = logDir.resolve(emulator.name().toLowerCase() + "-" + port + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(emulator.command(launcher, port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("CLOUDSDK_CORE_DISABLE_PROMPTS", "1");
    Process process;
    try {
      Files.createDirectories(logDir);
      process = builder.start();
    } catch (IOException e) {
      throw new EmulatorException(
          "Could not launch the " + emulator.displayName() + " emulator "
              + builder.command() + ": " + e.getMessage(),
          e);
    }
    EmulatorProcess started = new EmulatorProcess(emulator, process, port, log);
    try {
      started.awaitReady(project, readyTimeout);
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  private void awaitReady(String project, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String path = emulator.probePath(project);
    while (true) {
      if (!process.isAlive()) {
        throw new EmulatorException(
            "The " + emulator.displayName() + " emulator exited with code " + process.exitValue()
                + " before answering on " + host() + ". Last lines of " + log + ":\n" + logTail());
      }
      if (HttpProbe.answers(host(), path)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new EmulatorException(
            "The " + emulator.displayName() + " emulator did not answer on http://" + host() + path
                + " within " + timeout.toMillis() + " ms. Last lines of " + log + ":\n" + logTail());
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmulatorException("Interrupted while waiting for the " + emulator.displayName() + " emulator");
      }
    }
  }

  Emulator emulator() {
    return emulator;
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  Path log() {
    return log;
  }

  /** The launcher and everything it started, as seen now. */
  List<ProcessHandle> tree() {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    process.descendants().forEach(tree::add);
    return tree;
  }

  /** Stops the whole tree: politely first, then forcibly after a grace period. Idempotent. */
  @Override
  public void close() {
    // Snapshot before signalling: once the launcher dies its children are re-parented and
    // no longer show up as its descendants.
    List<ProcessHandle> tree = tree();
    // Children first, so the launcher script does not react to a dying child by restarting it.
    for (int i = tree.size() - 1; i >= 0; i--) {
      tree.get(i).destroy();
    }
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle handle : tree) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        handle.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
      }
    }
    for (ProcessHandle handle : tree) {
      if (handle.isAlive()) {
        handle.destroyForcibly();
        handle.onExit().join();
      }
    }
  }

  private String logTail() {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      long from = Math.max(0, length - 8192);
      byte[] bytes = new byte[(int) (length - from)];
      file.seek(from);
      file.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return tail.isEmpty() ? "  (empty)" : String.join("\n", tail.stream().map(l -> "  " + l).toList());
    } catch (IOException e) {
      return "  (log unreadable: " + e.getMessage() + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port", e);
    }
  }
}
