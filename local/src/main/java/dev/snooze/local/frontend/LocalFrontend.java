package dev.snooze.local.frontend;

import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.HttpProbe;
import dev.snooze.local.process.JavaCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Snooze's frontend in its own JVM, configured by environment variables only, as its container
 * runs on the frontend VM.
 */
public final class LocalFrontend implements AutoCloseable {
  private static final String MAIN = "dev.snooze.frontend.Main";

  private final ChildProcess process;

  private LocalFrontend(ChildProcess process) {
    this.process = process;
  }

  /**
   * Starts the frontend on {@code port} and returns when its health check answers.
   *
   * @param environment its configuration (SNOOZE_BACKEND_URL, SNOOZE_TOPIC...); SNOOZE_PORT is set here
   */
  public static LocalFrontend start(int port, Map<String, String> environment, Path logDir, Duration readyTimeout) {
    Map<String, String> env = new HashMap<>(environment);
    env.put("SNOOZE_PORT", Integer.toString(port));
    return new LocalFrontend(ChildProcess.startOn(port, "frontend", ignored -> JavaCommand.of(MAIN), env,
        host -> HttpProbe.answers(host, "/healthz"), logDir, readyTimeout));
  }

  /** {@code http://127.0.0.1:PORT}: the page, as the load balancer would serve it. */
  public String url() {
    return "http://" + process.host();
  }

  public Path log() {
    return process.log();
  }

  @Override
  public void close() {
    process.close();
  }
}
