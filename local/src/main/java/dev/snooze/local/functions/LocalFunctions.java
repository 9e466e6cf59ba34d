package dev.snooze.local.functions;

import dev.snooze.local.network.TcpLink;
import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.HttpProbe;
import dev.snooze.local.process.JavaCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Snooze's three functions, each in its own JVM under the Functions Framework's invoker, as
 * Cloud Functions gen2 runs them: configured by environment variables only, their classes from
 * this JVM's classpath or, given one, from the deployable jar alone. Each has a stable address
 * from the moment it is {@link #open opened}, as a deployed function's URL is: a
 * {@link TcpLink} on a port held for the stack's life, forwarding
 * to whatever port the function's JVM bound (it binds port 0 and its log names the port), so that
 * what calls a function can start at the same time, a restarted function keeps its address, and
 * no other process can ever take it.
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
  /** Jetty's line once the invoker listens, e.g. {@code Started oejs.ServerConnector@1b{HTTP/1.1, (http/1.1)}{0.0.0.0:35375}}. */
  private static final Pattern LISTENING =
      Pattern.compile("Started \\S*ServerConnector@\\S+\\{[^}]*\\}\\{[^}]*:(?<port>\\d+)\\}");

  private final Map<Entry, TcpLink> links;
  private final Map<Entry, ChildProcess> processes = new EnumMap<>(Entry.class); // guarded by this
  private final Map<Entry, Integer> restarts = new EnumMap<>(Entry.class); // guarded by this
  private Launcher launcher; // guarded by this

  private LocalFunctions(Map<Entry, TcpLink> links) {
    this.links = links;
  }

  /** How one function's JVM is launched; {@code name} also names its log file. */
  private record Launcher(Optional<Path> jar, Map<String, String> environment, Path logDir,
      Duration readyTimeout) {
    ChildProcess launch(Entry entry, String name) {
      return ChildProcess.startReporting(name, LISTENING,
          port -> jar.map(j -> JavaCommand.function(j, entry.target, port))
              .orElseGet(() -> JavaCommand.of(INVOKER, "--target", entry.target, "--port", Integer.toString(port))),
          environment,
          // The invoker answers /robots.txt itself, without running the function.
          host -> HttpProbe.responds(host, "/robots.txt"),
          logDir, readyTimeout);
    }
  }

  /** Holds an address for each function; nothing answers there until {@link #start}. */
  public static LocalFunctions open() {
    Map<Entry, TcpLink> links = new EnumMap<>(Entry.class);
    for (Entry entry : Entry.values()) {
      links.put(entry, TcpLink.toNothing());
    }
    return new LocalFunctions(links);
  }

  /**
   * Starts the three functions at once and returns when each answers at its address.
   *
   * @param jar the functions' deployable jar (snooze-functions-all.jar) to run them from, as
   *     Cloud Functions does; empty: from this JVM's classpath
   * @param environment the functions' configuration (SNOOZE_*, FIRESTORE_EMULATOR_HOST...);
   *     a null value unsets an inherited variable
   */
  public synchronized void start(Optional<Path> jar, Map<String, String> environment, Path logDir,
      Duration readyTimeout) {
    launcher = new Launcher(jar, environment, logDir, readyTimeout);
    Launcher launching = launcher;
    Map<Entry, Supplier<ChildProcess>> starters = new LinkedHashMap<>();
    for (Entry entry : Entry.values()) {
      starters.put(entry, () -> launching.launch(entry, entry.key + " function"));
    }
    ChildProcess.startAll(starters).forEach(this::serve);
  }

  private void serve(Entry entry, ChildProcess process) {
    processes.put(entry, process);
    links.get(entry).retarget(process.host());
  }

  /** {@code http://127.0.0.1:PORT} of one function, from {@link #open} on; it stays the same across {@link #restart}. */
  public String url(Entry entry) {
    return "http://" + links.get(entry).host();
  }

  /** The READY line's {@code functions} object. */
  public Map<String, String> urls() {
    Map<String, String> urls = new LinkedHashMap<>();
    links.keySet().forEach(entry -> urls.put(entry.key, url(entry)));
    return urls;
  }

  /** Each function's log file: its JSON lines, as Cloud Logging would receive them. */
  public synchronized List<Path> logs() {
    return processes.values().stream().map(ChildProcess::log).toList();
  }

  /** One function's log file; a restarted function has a new one. */
  public synchronized Path log(Entry entry) {
    return processes.get(entry).log();
  }

  /**
   * Stops one function's JVM, as a crashed instance goes away: connections to its address are
   * reset until {@link #restart}. Stopping a stopped function does nothing.
   */
  public synchronized void stop(Entry entry) {
    links.get(entry).retarget(null);
    processes.get(entry).close();
  }

  /**
   * Starts a fresh JVM for one function, with the same environment, and returns once it answers
   * at the same address, as a new instance replaces a crashed one.
   */
  public synchronized void restart(Entry entry) {
    stop(entry);
    int restart = restarts.merge(entry, 1, Integer::sum);
    serve(entry, launcher.launch(entry, entry.key + " function restart " + restart));
  }

  @Override
  public synchronized void close() {
    processes.values().parallelStream().forEach(ChildProcess::close);
    links.values().forEach(TcpLink::close);
  }
}
