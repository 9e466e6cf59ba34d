package dev.snooze.local.emulators;

import dev.snooze.config.GcpNames;
import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.ChildProcessException;
import dev.snooze.local.process.HttpProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Google's Pub/Sub and Firestore emulators for the local cloud. Each is either reused (its
 * {@code *_EMULATOR_HOST} variable is set: we check it answers and never stop it) or started by
 * us on a free loopback port, both at once, and stopped with its children on {@link #close()} or
 * when the JVM exits.
 *
 * <p>The environment is a parameter so that tests can describe any situation without changing
 * the real process environment.
 */
public final class LocalEmulators implements AutoCloseable {
  /** Where emulator logs go; defaults to target/emulator-logs under a Maven build, else tmp. */
  public static final String LOG_DIR_ENV = "SNOOZE_EMULATOR_LOG_DIR";

  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
  /** How long an emulator named by the environment has to answer before it is declared absent. */
  private static final Duration EXISTING_PROBE = Duration.ofSeconds(5);

  private final Map<Emulator, String> hosts;
  private final Map<Emulator, ChildProcess> started;
  private final Thread shutdownHook;
  private boolean closed;

  private LocalEmulators(Map<Emulator, String> hosts, Map<Emulator, ChildProcess> started) {
    this.hosts = hosts;
    this.started = started;
    this.shutdownHook = new Thread(this::close, "snooze-emulators-shutdown");
    if (!started.isEmpty()) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** Starts or reuses both emulators according to the real environment. */
  public static LocalEmulators start(String project) {
    return start(project, System.getenv());
  }

  public static LocalEmulators start(String project, Map<String, String> env) {
    return start(project, env, DEFAULT_READY_TIMEOUT);
  }

  public static LocalEmulators start(String project, Map<String, String> env, Duration readyTimeout) {
    Objects.requireNonNull(env, "env");
    validateProject(project);
    if (readyTimeout == null || readyTimeout.isNegative() || readyTimeout.isZero()) {
      throw new IllegalArgumentException("readyTimeout must be positive, got " + readyTimeout);
    }
    Map<Emulator, String> hosts = new EnumMap<>(Emulator.class);
    List<Emulator> toStart = new ArrayList<>();
    for (Emulator emulator : Emulator.values()) {
      String existing = env.get(emulator.hostEnvVar());
      if (existing != null && !existing.isBlank()) {
        hosts.put(emulator, checkExisting(emulator, existing.trim(), project));
      } else {
        toStart.add(emulator);
      }
    }
    if (toStart.isEmpty()) {
      return new LocalEmulators(hosts, Map.of());
    }
    // Resolve every launcher before starting anything, so a missing one fails at once.
    Map<Emulator, Path> launchers = new EnumMap<>(Emulator.class);
    toStart.forEach(e -> launchers.put(e, CloudSdk.launcher(env, e)));
    Path logDir = logDir(env);
    Map<Emulator, Supplier<ChildProcess>> starters = new EnumMap<>(Emulator.class);
    toStart.forEach(e -> starters.put(e, () -> launch(e, launchers.get(e), project, logDir, readyTimeout)));
    Map<Emulator, ChildProcess> started = new EnumMap<>(ChildProcess.startAll(starters));
    started.forEach((emulator, process) -> hosts.put(emulator, process.host()));
    return new LocalEmulators(hosts, started);
  }

  private static ChildProcess launch(
      Emulator emulator, Path launcher, String project, Path logDir, Duration readyTimeout) {
    try {
      return ChildProcess.start(emulator.displayName() + " emulator", emulator.listening(),
          port -> emulator.command(launcher, port),
          Map.of("CLOUDSDK_CORE_DISABLE_PROMPTS", "1"),
          host -> HttpProbe.answers(host, emulator.probePath(project)),
          logDir, readyTimeout);
    } catch (ChildProcessException e) {
      throw new EmulatorException(e.getMessage(), e);
    }
  }

  /** "127.0.0.1:PORT" of the Pub/Sub emulator (gRPC and REST share it). */
  public String pubsubHost() {
    return hosts.get(Emulator.PUBSUB);
  }

  /** "127.0.0.1:PORT" of the Firestore emulator. */
  public String firestoreHost() {
    return hosts.get(Emulator.FIRESTORE);
  }

  /** The emulators this instance started (not the reused ones). */
  public List<Emulator> startedHere() {
    return List.copyOf(started.keySet());
  }

  /** The processes this instance started, children included, as they are now. */
  public List<ProcessHandle> processTree() {
    return started.values().stream().flatMap(p -> p.tree().stream()).toList();
  }

  /** The log file of each emulator started here. */
  public Map<Emulator, Path> logs() {
    Map<Emulator, Path> logs = new EnumMap<>(Emulator.class);
    started.forEach((emulator, process) -> logs.put(emulator, process.log()));
    return logs;
  }

  /** Stops what this instance started; reused emulators are left alone. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopProcesses();
    if (!started.isEmpty()) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook is running or has run.
      }
    }
  }

  private void stopProcesses() {
    started.values().forEach(ChildProcess::close);
  }

  private static String checkExisting(Emulator emulator, String host, String project) {
    if (!GcpNames.HOST_PORT.matcher(host).matches()) {
      throw new EmulatorException(
          emulator.hostEnvVar() + " must be " + GcpNames.HOST_PORT_EXPECTED + ", got \"" + host + "\"");
    }
    if (!answersWithin(host, emulator.probePath(project), EXISTING_PROBE)) {
      throw new EmulatorException(
          emulator.hostEnvVar() + "=" + host + " is set but no " + emulator.displayName()
              + " emulator answers there. Start it, or unset " + emulator.hostEnvVar()
              + " to have one started for you.");
    }
    return host;
  }

  /**
   * An emulator that is there may be slow to answer one probe while the machine is busy (two stacks
   * starting at once): it is asked again until {@code within} has passed.
   */
  private static boolean answersWithin(String host, String path, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!HttpProbe.answers(host, path)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(200); // between probes, not waiting for an outcome
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static void validateProject(String project) {
    if (project == null || !GcpNames.PROJECT.matcher(project).matches()) {
      throw new IllegalArgumentException(
          "project must be " + GcpNames.PROJECT_EXPECTED + ", got \"" + project + "\"");
    }
  }

  private static Path logDir(Map<String, String> env) {
    String configured = env.get(LOG_DIR_ENV);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      return target.resolve("emulator-logs");
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "snooze-emulator-logs");
  }
}
