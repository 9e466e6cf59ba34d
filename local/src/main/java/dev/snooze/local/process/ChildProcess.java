package dev.snooze.local.process;

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
import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;

/**
 * A server the local stack runs as a child process (an emulator, a function): its process tree,
 * its port and its log file. Some launchers are scripts that fork (not exec) their JVM (the
 * Firestore emulator's does), so killing the launcher alone would leave the server running;
 * stopping therefore walks the whole tree.
 */
public final class ChildProcess implements AutoCloseable {
  private static final int LOG_TAIL_LINES = 20;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final int PORT_ATTEMPTS = 3;

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private ChildProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Launches a server and returns once it is ready.
   *
   * @param name what it is, for messages: "Firestore emulator", "Wake function"
   * @param command the command line, given the free loopback port chosen for it
   * @param environment variables set on top of this process's environment; null unsets one
   * @param ready whether the server at "127.0.0.1:PORT" serves yet
   * @param logDir where its output goes, as NAME-PORT.log
   * @throws ChildProcessException when it exits or does not get ready in time, with its log's tail
   */
  public static ChildProcess start(String name, IntFunction<List<String>> command,
      Map<String, String> environment, Predicate<String> ready, Path logDir, Duration readyTimeout) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(freePort(), name, command, environment, ready, logDir, readyTimeout);
      } catch (PortTakenException e) {
        // The free port we picked was taken before the child bound it (other children pick
        // ports too): pick another.
        if (attempt == PORT_ATTEMPTS) {
          throw new ChildProcessException(e.getMessage());
        }
      }
    }
  }

  /**
   * Starts several children at once (each mostly waits on a JVM booting in another process) and
   * returns them once all are ready; if any fails, stops those that started and throws the first
   * failure, with the others suppressed in it.
   */
  public static <K> Map<K, ChildProcess> startAll(Map<K, Supplier<ChildProcess>> starters) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, starters.size()), runnable -> {
      Thread thread = new Thread(runnable, "child-process-start");
      thread.setDaemon(true);
      return thread;
    });
    Map<K, CompletableFuture<ChildProcess>> starting = new LinkedHashMap<>();
    starters.forEach((key, starter) -> starting.put(key, CompletableFuture.supplyAsync(starter, pool)));
    pool.shutdown();
    Map<K, ChildProcess> started = new LinkedHashMap<>();
    RuntimeException failure = null;
    for (Map.Entry<K, CompletableFuture<ChildProcess>> entry : starting.entrySet()) {
      try {
        started.put(entry.getKey(), entry.getValue().join());
      } catch (CompletionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException r
            ? r : new ChildProcessException(String.valueOf(e.getCause()), e.getCause());
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      started.values().forEach(ChildProcess::close);
      throw failure;
    }
    return started;
  }

  /**
   * Like {@link #start}, on a port chosen by the caller (one a user configured): if it is taken,
   * this fails with a message saying so instead of moving elsewhere.
   */
  public static ChildProcess startOn(int port, String name, IntFunction<List<String>> command,
      Map<String, String> environment, Predicate<String> ready, Path logDir, Duration readyTimeout) {
    try {
      return startOnce(port, name, command, environment, ready, logDir, readyTimeout);
    } catch (PortTakenException e) {
      throw new ChildProcessException("Port " + port + " is in use: " + e.getMessage());
    }
  }

  private static ChildProcess startOnce(int port, String name, IntFunction<List<String>> command,
      Map<String, String> environment, Predicate<String> ready, Path logDir, Duration readyTimeout) {
    Path log = logDir.resolve(name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-" + port + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command.apply(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // A null value removes an inherited variable.
    environment.forEach((key, value) -> {
      if (value == null) {
        builder.environment().remove(key);
      } else {
        builder.environment().put(key, value);
      }
    });
    Process process;
    try {
      Files.createDirectories(logDir);
      process = builder.start();
    } catch (IOException e) {
      throw new ChildProcessException(
          "Could not launch the " + name + " " + builder.command() + ": " + e.getMessage(), e);
    }
    ChildProcess started = new ChildProcess(name, process, port, log);
    try {
      started.awaitReady(ready, readyTimeout);
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  private void awaitReady(Predicate<String> ready, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        if (logEnd().contains("Address already in use")) {
          throw new PortTakenException("The " + name + " could not bind " + host() + ":\n" + logTail());
        }
        throw new ChildProcessException(
            "The " + name + " exited with code " + process.exitValue()
                + " before answering on " + host() + ". Last lines of " + log + ":\n" + logTail());
      }
      if (ready.test(host())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new ChildProcessException(
            "The " + name + " did not answer on http://" + host()
                + " within " + timeout.toMillis() + " ms. Last lines of " + log + ":\n" + logTail());
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChildProcessException("Interrupted while waiting for the " + name, e);
      }
    }
  }

  public String name() {
    return name;
  }

  /** "127.0.0.1:PORT". */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  /** The launcher and everything it started, as seen now. */
  public List<ProcessHandle> tree() {
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
    List<String> lines = logEnd().lines().toList();
    List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
    return tail.isEmpty() ? "  (empty)" : String.join("\n", tail.stream().map(l -> "  " + l).toList());
  }

  /** The last 8 KiB of the log: enough for a start-up failure and its stack trace. */
  private String logEnd() {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      long from = Math.max(0, length - 8192);
      byte[] bytes = new byte[(int) (length - from)];
      file.seek(from);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** A port free on loopback now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port", e);
    }
  }

  private static final class PortTakenException extends RuntimeException {
    PortTakenException(String message) {
      super(message);
    }
  }
}
