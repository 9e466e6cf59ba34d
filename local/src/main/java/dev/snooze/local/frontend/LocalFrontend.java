package dev.snooze.local.frontend;

import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.HttpProbe;
import dev.snooze.local.process.JavaCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Snooze's frontend in its own JVM, configured by environment variables only, as its container
 * runs on the frontend VM.
 */
public final class LocalFrontend implements AutoCloseable {
  private static final String MAIN = "dev.snooze.frontend.Main";

  /**
   * The frontend's JVM flags, defined once here for its container image to use as they are (in
   * JAVA_TOOL_OPTIONS or the entrypoint): the VM is small (e2-micro, 1 GB, of which COS keeps
   * ~400 MiB) and always on, so memory is fixed up front and bounded, not left to the JVM's
   * ergonomics (a quarter of the machine for the heap alone). The heap is 64 MiB (~31 MiB live in
   * the load suite's mix at 64 connections; at 48 MiB the serial collector ran 81 full collections
   * in 40 s and the frontend spent 30 % more CPU per request), fixed and touched at start (Xms =
   * Xmx, AlwaysPreTouch: the footprint is all there from the first second, so later growth can only
   * be a leak outside the heap); Netty's direct buffers, metaspace (~35 MiB used) and the code
   * cache (~16 MiB used) are capped; the serial collector (one small heap, no GC threads competing
   * with the event loops on 2 vCPUs); an out-of-memory error exits the JVM, so that Docker's
   * {@code --restart always} brings up a healthy one rather than a limping one; and glibc's malloc
   * arenas, which keep what C2 compilations freed, are trimmed every 5 s (a product flag in the JDK
   * 17 updates the image's eclipse-temurin:17-jre carries, 17.0.15 measured; 24-45 MiB less after
   * load). {@code FrontendLoadIT} holds its resident memory under its e2-micro share at saturation;
   * P3 in docs/benchmarks.md has the figures.
   */
  public static final List<String> JVM_FLAGS = List.of(
      "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=64m",
      "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=48m", "-XX:+UseSerialGC", "-Xss512k",
      "-XX:+ExitOnOutOfMemoryError", "-XX:TrimNativeHeapInterval=5000");

  /**
   * The environment the frontend's container sets beside its flags, as it runs here too: glibc
   * gives each thread that allocates while another holds an arena a new one, up to 8 per core, and
   * each keeps what it freed until trimmed; two arenas for two event loops cut the load suite's
   * RSS peak by ~19 MiB (226 to 207 MiB) at no cost in CPU per request ("Two malloc arenas" under
   * P3 in docs/benchmarks.md).
   */
  public static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  private final ChildProcess process;

  private LocalFrontend(ChildProcess process) {
    this.process = process;
  }

  /** Its log line once every server listens: {@code {"severity":"INFO","message":"frontend listening",...,"port":8080,...}}. */
  private static final Pattern LISTENING = Pattern.compile("\"message\":\"frontend listening\".*?\"port\":(?<port>\\d+)");

  /**
   * Starts the frontend on {@code port} and returns when its health check answers.
   *
   * @param port the port a user chose, or 0: any free port, which the frontend binds itself
   * @param environment its configuration (SNOOZE_BACKEND_URL, SNOOZE_TOPIC...); SNOOZE_PORT is set here
   */
  public static LocalFrontend start(int port, Map<String, String> environment, Path logDir, Duration readyTimeout) {
    Map<String, String> env = new HashMap<>(ENVIRONMENT);
    env.putAll(environment);
    env.put("SNOOZE_PORT", Integer.toString(port));
    IntFunction<List<String>> command = ignored -> JavaCommand.withFlags(JVM_FLAGS, MAIN);
    Predicate<String> healthy = host -> HttpProbe.answers(host, "/healthz");
    return new LocalFrontend(port == 0
        ? ChildProcess.startReporting("frontend", LISTENING, command, env, healthy, logDir, readyTimeout)
        : ChildProcess.startOn(port, LISTENING, "frontend", command, env, healthy, logDir, readyTimeout));
  }

  /** {@code http://127.0.0.1:PORT}: the page, as the load balancer would serve it. */
  public String url() {
    return "http://" + process.host();
  }

  public Path log() {
    return process.log();
  }

  /** The frontend's JVM, e.g. to watch its memory. */
  public ProcessHandle process() {
    return process.tree().get(0);
  }

  @Override
  public void close() {
    process.close();
  }
}
