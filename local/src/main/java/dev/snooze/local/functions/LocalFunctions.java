package dev.snooze.local.functions;

import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.HttpProbe;
import dev.snooze.local.process.JavaCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Snooze's three functions, each in its own JVM under the Functions Framework's invoker, as
 * Cloud Functions gen2 runs them: configured by environment variables only, the function jar on
 * the classpath, one port each.
 */
public final class LocalFunctions implements AutoCloseable {
  /** The entry points, by the name used in the READY line. */
  public enum Entry {
    WAKE("wake", "dev.snooze.functions.Wake"),
    SLEEP("sleep", "dev.snooze.functions.Sleep"),
    STATUS("status", "dev.snooze.functions.Status");

    final String key;
    final String target;

    Entry(String key, String target) {
      this.key = key;
      this.target = target;
    }
  }

  private static final String INVOKER = "com.google.cloud.functions.invoker.runner.Invoker";

  private final Launcher launcher;
  private final Map<Entry, ChildProcess> processes; // guarded by this
  private final Map<Entry, Integer> restarts = new EnumMap<>(Entry.class); // guarded by this

  private LocalFunctions(Launcher launcher, Map<Entry, ChildProcess> processes) {
    this.launcher = launcher;
    this.processes = new EnumMap<>(processes);
  }

  /** How one function's JVM is launched on its port; {@code name} also names its log file. */
  private record Launcher(Map<Entry, Integer> ports, Map<String, String> environment, Path logDir,
      Duration readyTimeout) {
    ChildProcess launch(Entry entry, String name) {
      return ChildProcess.startOn(ports.get(entry), name,
          port -> JavaCommand.of(INVOKER, "--target", entry.target, "--port", Integer.toString(port)),
          environment,
          // The invoker answers /robots.txt itself, without running the function.
          host -> HttpProbe.responds(host, "/robots.txt"),
          logDir, readyTimeout);
    }
  }

  /**
   * Free loopback ports for the functions, chosen before they start so that what calls them (the
   * frontend calls Status) can start at the same time.
   */
  public static Map<Entry, Integer> freePorts() {
    Map<Entry, Integer> ports = new LinkedHashMap<>();
    for (Entry entry : Entry.values()) {
      ports.put(entry, ChildProcess.freePort());
    }
    return ports;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Starts the three functions at once on the given ports and returns when each answers HTTP.
   *
   * @param environment the functions' configuration (SNOOZE_*, FIRESTORE_EMULATOR_HOST...);
   *     a null value unsets an inherited variable
   */
  public static LocalFunctions start(Map<Entry, Integer> ports, Map<String, String> environment,
      Path logDir, Duration readyTimeout) {
    Launcher launcher = new Launcher(Map.copyOf(ports), environment, logDir, readyTimeout);
    Map<Entry, Supplier<ChildProcess>> starters = new LinkedHashMap<>();
    for (Entry entry : Entry.values()) {
      starters.put(entry, () -> launcher.launch(entry, entry.key + " function"));
    }
    Map<Entry, ChildProcess> started = ChildProcess.startAll(starters);
    return new LocalFunctions(launcher, started);
  }

  /** {@code http://127.0.0.1:PORT} of one function; it stays the same across {@link #restart}. */
  public synchronized String url(Entry entry) {
    return "http://" + processes.get(entry).host();
  }

  /** The READY line's {@code functions} object. */
  public synchronized Map<String, String> urls() {
    Map<String, String> urls = new LinkedHashMap<>();
    processes.keySet().forEach(entry -> urls.put(entry.key, url(entry)));
    return urls;
  }

  /** Each function's log file: its JSON lines, as Cloud Logging would receive them. */
  public synchronized List<Path> logs() {
    return processes.values().stream().map(ChildProcess::log).toList();
  }

  /** One function's log file; a restarted function has a new one, named after the restart. */
  public synchronized Path log(Entry entry) {
    return processes.get(entry).log();
  }

  /**
   * Stops one function's JVM, as a crashed instance goes away: its port refuses connections
   * until {@link #restart}. Stopping a stopped function does nothing.
   */
  public synchronized void stop(Entry entry) {
    processes.get(entry).close();
  }

  /**
   * Starts a fresh JVM for one function on its port, with the same environment, and returns
   * once it answers, as a new instance replaces a crashed one.
   */
  public synchronized void restart(Entry entry) {
    processes.get(entry).close();
    int restart = restarts.merge(entry, 1, Integer::sum);
    processes.put(entry, launcher.launch(entry, entry.key + " function restart " + restart));
  }

  @Override
  public synchronized void close() {
    processes.values().parallelStream().forEach(ChildProcess::close);
  }
}
