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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

/**
 * A server the local stack runs as a child process (an emulator, a function): its process tree,
 * its port and its log file. Some launchers are scripts that fork (not exec) their JVM (the
 * Firestore emulator's does), so killing the launcher alone would leave the server running;
 * stopping therefore walks the whole tree.
 *
 * <p>The port comes one of three ways, and none trusts that a port found free stays free: the
 * server binds port 0 itself and its log names the port ({@link #startReporting}, nothing to
 * race); or it must be told a port, picked free here, and another is picked if something takes
 * it first ({@link #start}); or the user chose it ({@link #startOn}). A server is ready only once
 * its own log says it listens (when it says so) and then its probe answers, so that another
 * process answering on the port is never taken for it.
 */
public final class ChildProcess implements AutoCloseable {
  private static final int LOG_TAIL_LINES = 20;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final int PORT_ATTEMPTS = 3;
  private static final String PORT_GROUP = "port";

  private final String name;
  private final Process process;
  private final Path log;
  private volatile int port; // 0 until a reporting server names it; then fixed

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
    return start(name, null, command, environment, ready, logDir, readyTimeout);
  }

  /**
   * Like {@link #start(String, IntFunction, Map, Predicate, Path, Duration)}, for a server that
   * logs a line once it listens: it is probed only after that line, so nothing else that took
   * the port before it can pass for it.
   *
   * @param listening matches the line the server logs once it listens; null when it logs none
   */
  public static ChildProcess start(String name, Pattern listening, IntFunction<List<String>> command,
      Map<String, String> environment, Predicate<String> ready, Path logDir, Duration readyTimeout) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(freePort(), listening, name, command, environment, ready, logDir, readyTimeout);
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
    return startOn(port, null, name, command, environment, ready, logDir, readyTimeout);
  }

  /** Like {@link #startOn(int, String, IntFunction, Map, Predicate, Path, Duration)}, probed after {@code listening}. */
  public static ChildProcess startOn(int port, Pattern listening, String name, IntFunction<List<String>> command,
      Map<String, String> environment, Predicate<String> ready, Path logDir, Duration readyTimeout) {
    try {
      return startOnce(port, listening, name, command, environment, ready, logDir, readyTimeout);
    } catch (PortTakenException e) {
      throw new ChildProcessException("Port " + port + " is in use: " + e.getMessage());
    }
  }

  /**
   * Launches a server told to bind port 0, which picks a free port itself and names it in its
   * log; returns once it is ready on that port.
   *
   * @param listening matches the line the server logs once it listens, with the port in a group
   *     named {@code port}
   * @param command the command line, given 0 as the port
   */
  public static ChildProcess startReporting(String name, Pattern listening, IntFunction<List<String>> command,
      Map<String, String> environment, Predicate<String> ready, Path logDir, Duration readyTimeout) {
    if (!listening.pattern().contains("(?<" + PORT_GROUP + ">")) {
      throw new IllegalArgumentException("listening must name the port in a group (?<port>...): " + listening);
    }
    return startOnce(0, listening, name, command, environment, ready, logDir, readyTimeout);
  }

  private static ChildProcess startOnce(int port, Pattern listening, String name, IntFunction<List<String>> command,
      Map<String, String> environment, Predicate<String> ready, Path logDir, Duration readyTimeout) {
    ProcessBuilder builder =
        new ProcessBuilder(command.apply(port)).redirectErrorStream(true);
    // A null value removes an inherited variable.
    environment.forEach((key, value) -> {
      if (value == null) {
        builder.environment().remove(key);
      } else {
        builder.environment().put(key, value);
      }
    });
    Process process;
    Path log;
    try {
      Files.createDirectories(logDir);
      // A name of its own: several stacks (and restarts) share one log folder.
      log = Files.createTempFile(logDir, name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-", ".log");
      builder.redirectOutput(log.toFile());
      process = builder.start();
    } catch (IOException e) {
      throw new ChildProcessException(
          "Could not launch the " + name + " " + builder.command() + ": " + e.getMessage(), e);
    }
    ChildProcess started = new ChildProcess(name, process, port, log);
    try {
      started.awaitReady(listening, ready, readyTimeout);
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  private void awaitReady(Pattern listening, Predicate<String> ready, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean listens = listening == null;
    while (true) {
      if (!listens) {
        Matcher line = listening.matcher(logStart());
        if (line.find()) {
          listens = true;
          if (port == 0) {
            port = Integer.parseInt(line.group(PORT_GROUP));
          }
        }
      }
      if (!process.isAlive()) {
        if (logEnd().contains("Address already in use")) {
          throw new PortTakenException("The " + name + " could not bind " + host() + ":\n" + logTail());
        }
        throw new ChildProcessException(
            "The " + name + " exited with code " + process.exitValue()
                + " before answering on " + host() + ". Last lines of " + log + ":\n" + logTail());
      }
      if (listens && ready.test(host())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new ChildProcessException(
            "The " + name + " did not answer on http://" + (listens ? host() : "its port (it never logged that it listens)")
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

  /** The first 64 KiB of the log: where a server says it listens. */
  private String logStart() {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      byte[] bytes = new byte[(int) Math.min(file.length(), 64 * 1024)];
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
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

  /** A port free on loopback now, and maybe not a moment later: only for {@link #start}'s retries and the benchmarks. */
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
