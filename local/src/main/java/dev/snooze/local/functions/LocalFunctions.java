package dev.snooze.local.functions;

import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.HttpProbe;
import dev.snooze.local.process.JavaCommand;
import java.nio.file.Path;
import java.time.Duration;
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

  private final Map<Entry, ChildProcess> processes;

  private LocalFunctions(Map<Entry, ChildProcess> processes) {
    this.processes = processes;
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
    Map<Entry, Supplier<ChildProcess>> starters = new LinkedHashMap<>();
    for (Entry entry : Entry.values()) {
      starters.put(entry, () -> ChildProcess.startOn(ports.get(entry),
          entry.key + " function",
          port -> JavaCommand.of(INVOKER, "--target", entry.target, "--port", Integer.toString(port)),
          environment,
          // The invoker answers /robots.txt itself, without running the function.
          host -> HttpProbe.responds(host, "/robots.txt"),
          logDir, readyTimeout));
    }
    Map<Entry, ChildProcess> started = ChildProcess.startAll(starters);
    return new LocalFunctions(started);
  }

  /** {@code http://127.0.0.1:PORT} of one function. */
  public String url(Entry entry) {
    return "http://" + processes.get(entry).host();
  }

  /** The READY line's {@code functions} object. */
  public Map<String, String> urls() {
    Map<String, String> urls = new LinkedHashMap<>();
    processes.keySet().forEach(entry -> urls.put(entry.key, url(entry)));
    return urls;
  }

  /** One function's log file: its JSON lines, as Cloud Logging would receive them. */
  public Path log(Entry entry) {
    return processes.get(entry).log();
  }

  /** Each function's log file: its JSON lines, as Cloud Logging would receive them. */
  public List<Path> logs() {
    return processes.values().stream().map(ChildProcess::log).toList();
  }

  @Override
  public void close() {
    processes.values().parallelStream().forEach(ChildProcess::close);
  }
}
