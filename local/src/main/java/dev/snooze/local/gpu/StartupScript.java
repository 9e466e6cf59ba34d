package dev.snooze.local.gpu;

import com.google.gson.JsonObject;
import dev.snooze.boot.BootStage;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The tail of the GPU VM's startup script, played for each stand-in VM once its container is up
 * (on GCE: after {@code docker run}, once the server answers): it reports {@code loading-model},
 * sends Ollama's load-only warm-up ({@code POST /api/generate} with a model and no prompt) to the
 * VM's own server, not the load balancer, waits for the answer, and reports {@code ready}. The
 * reports go to the Compute simulator's guest attributes, as the real script's go to the
 * metadata server ({@link BootStage} has the real {@code curl}). The simulator reports the earlier
 * stages itself, from the instance's lifecycle.
 *
 * <p>A VM that goes meanwhile ends its script quietly: nothing more is reported for it.
 */
public final class StartupScript {
  private static final JsonLog LOG = JsonLog.forComponent("gpu-startup-script");
  /** What {@code date -u +%FT%T.%3NZ} writes on the VM. */
  private static final DateTimeFormatter STAGE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(5);

  private final URI compute;
  private final String keepAlive;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private StartupScript(URI compute, String keepAlive, Clock clock) {
    this.compute = Objects.requireNonNull(compute, "compute");
    this.keepAlive = keepAlive;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param computeUrl the Compute simulator's base URL, whose {@code /simulator/guest-attributes}
   *     the VM writes its stages to
   * @param keepAlive the warm-up's {@code keep_alive}, as Ollama takes it (seconds, or a
   *     duration such as {@code 15m}; negative: for ever); null leaves it out, so that the
   *     server's own keep-alive applies
   */
  public static StartupScript reportingTo(String computeUrl, String keepAlive) {
    return new StartupScript(URI.create(computeUrl), keepAlive, Clock.systemUTC());
  }

  /**
   * Runs the script's tail for one VM, blocking until the model is loaded and {@code ready}
   * reported, or until the VM goes.
   *
   * @param instance the VM's instance name
   * @param vm the VM's own server
   * @param stillUp whether the VM still serves: checked before each report
   */
  void run(String instance, URI vm, BooleanSupplier stillUp) {
    try {
      if (!report(instance, BootStage.LOADING_MODEL, stillUp)) {
        return;
      }
      long started = System.nanoTime();
      HttpResponse<String> warmUp = http.send(
          HttpRequest.newBuilder(vm.resolve("/api/generate"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(warmUpBody()))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      if (!stillUp.getAsBoolean()) {
        return; // the VM went while the model loaded
      }
      if (warmUp.statusCode() != 200) {
        // The model never loaded: the VM must not claim to be ready.
        LOG.warning("warm-up failed: the model was not loaded, ready is not reported",
            "instance", instance, "status", warmUp.statusCode(), "body", warmUp.body());
        return;
      }
      Duration load = Duration.ofNanos(System.nanoTime() - started);
      if (report(instance, BootStage.READY, stillUp)) {
        LOG.info("model loaded: ready reported", "instance", instance, "loadMillis", load.toMillis());
      }
    } catch (IOException e) {
      if (stillUp.getAsBoolean()) {
        LOG.warning("warm-up failed: the model was not loaded, ready is not reported",
            "instance", instance, "error", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the VM went, or the backend stops
    }
  }

  /** Ollama's load-only request: a model and no prompt, answered once the model is loaded. */
  String warmUpBody() {
    JsonObject body = new JsonObject();
    body.addProperty("model", ModelSettings.DEFAULT_MODEL);
    body.addProperty("stream", false);
    if (keepAlive != null) {
      if (keepAlive.matches("-?\\d+")) {
        body.addProperty("keep_alive", Long.parseLong(keepAlive));
      } else {
        body.addProperty("keep_alive", keepAlive);
      }
    }
    return body.toString();
  }

  /**
   * Writes the stage's guest attribute with the time now.
   *
   * @return false when the VM is gone (or the simulator no longer has it running): stop quietly
   */
  private boolean report(String instance, BootStage stage, BooleanSupplier stillUp)
      throws IOException, InterruptedException {
    if (!stillUp.getAsBoolean()) {
      return false;
    }
    String now = STAGE_TIME.format(clock.instant());
    URI uri = compute.resolve("/simulator/guest-attributes/" + URLEncoder.encode(instance, StandardCharsets.UTF_8)
        + "/" + BootStage.NAMESPACE + "/" + stage.wire());
    HttpResponse<String> answer = http.send(
        HttpRequest.newBuilder(uri)
            .timeout(REPORT_TIMEOUT)
            .header("Metadata-Flavor", "Google")
            .header("Content-Type", "text/plain")
            .PUT(HttpRequest.BodyPublishers.ofString(now))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() == 404) {
      return false; // no longer RUNNING: the VM is going
    }
    if (answer.statusCode() != 200) {
      // The real script's curl does not stop the VM either: the stage is only shown later.
      LOG.warning("stage report failed", "instance", instance, "stage", stage.wire(),
          "status", answer.statusCode(), "body", answer.body());
    }
    return true;
  }
}
