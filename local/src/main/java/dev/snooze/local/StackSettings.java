package dev.snooze.local;

import dev.snooze.config.Env;
import dev.snooze.config.GcpNames;
import dev.snooze.config.GpuOffer;
import dev.snooze.local.compute.SimStages;
import dev.snooze.local.compute.SimulatorConfig;
import dev.snooze.local.gpu.Concurrency;
import dev.snooze.local.gpu.ModelSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local stack's knobs, read from environment variables with demo defaults and validated
 * before anything starts, so that a typo fails in the first second with the variable's name.
 *
 * @param location where {@code SNOOZE_REGION} / {@code SNOOZE_ZONE} put the default offers
 * @param mig {@code SNOOZE_MIG}, the name the default offers' MIGs are derived from
 * @param offers the GPU offers in order of preference ({@code SNOOZE_OFFERS}); by default a
 *     SPOT MIG {@code <mig>-spot} then a STANDARD MIG {@code <mig>}, both at {@code location}
 * @param simStages the simulated GPU VM's stage times ({@code SNOOZE_SIM_STAGE_PRESET},
 *     {@code SNOOZE_SIM_STAGES}, and {@code SNOOZE_SIM_BOOT_TIME}, the older name of provisioning)
 * @param simKeepAlive {@code SNOOZE_SIM_KEEP_ALIVE}, the stand-in container's
 *     {@code OLLAMA_KEEP_ALIVE}: how long a VM keeps the model loaded after its last request;
 *     negative = never unload (Ollama's {@code -1}, the default, as Snooze's deployment sets it
 *     to at least the idle timeout)
 * @param simTokenInterval {@code SNOOZE_SIM_TOKEN_INTERVAL}: the stand-in model's pace, one token
 *     per this (60 ms by default, a readable stream; longer for a test that needs a long one)
 * @param simDrainTimeout {@code SNOOZE_SIM_DRAIN_TIMEOUT}: the backend service's connection
 *     draining timeout, how long a VM that a resize removes keeps serving the requests already on
 *     it (0 by default: no draining; GCP allows up to an hour)
 * @param simConcurrency {@code SNOOZE_SIM_PARALLEL} and {@code SNOOZE_SIM_MAX_QUEUE}, the stand-in
 *     container's {@code OLLAMA_NUM_PARALLEL} and {@code OLLAMA_MAX_QUEUE} (Ollama's defaults, 1
 *     and 512): requests each VM generates at once, and how many more wait before a 503
 */
public record StackSettings(
    int frontendPort,
    Duration idleTimeout,
    Duration sleepCheckInterval,
    SimStages simStages,
    Duration simOperationLatency,
    Duration simKeepAlive,
    Duration simTokenInterval,
    Duration simDrainTimeout,
    Concurrency simConcurrency,
    String project,
    Location location,
    String mig,
    List<GpuOffer> offers,
    String topic,
    Optional<Path> functionsJar) {

  /** Where the GPU MIG lives: a region (the deployment's default) or a single zone. */
  public sealed interface Location {
    String name();
  }

  public record Region(String name, List<String> zones) implements Location {}

  public record Zone(String name) implements Location {}

  /**
   * Reads the settings.
   *
   * @throws IllegalArgumentException naming every bad variable and how to fix it
   */
  public static StackSettings fromEnv(Map<String, String> env) {
    Env reader = new Env(env);
    int port = reader.integer("SNOOZE_PORT", 8080, 0, 65535);
    Duration idle = reader.duration("SNOOZE_IDLE_TIMEOUT", Duration.ofMinutes(2));
    Duration check = reader.duration("SNOOZE_SLEEP_CHECK_INTERVAL", Duration.ofSeconds(15));
    SimStages stages = stages(reader);
    Duration operationLatency = reader.durationOrZero("SNOOZE_SIM_OPERATION_LATENCY",
        SimulatorConfig.defaults().operationLatency());
    Duration keepAlive = simKeepAlive(reader);
    Duration tokenInterval = reader.duration("SNOOZE_SIM_TOKEN_INTERVAL", Duration.ofMillis(60));
    Duration drainTimeout = simDrainTimeout(reader);
    Concurrency concurrency = new Concurrency(
        reader.integer("SNOOZE_SIM_PARALLEL", Concurrency.OLLAMA_DEFAULTS.numParallel(), 1, MAX_PARALLEL),
        reader.integer("SNOOZE_SIM_MAX_QUEUE", Concurrency.OLLAMA_DEFAULTS.maxQueue(), 0, MAX_QUEUE));
    String project = reader.string("SNOOZE_PROJECT", "snooze-local", GcpNames.PROJECT, GcpNames.PROJECT_EXPECTED);
    String zone = reader.string("SNOOZE_ZONE", "", GcpNames.ZONE, GcpNames.ZONE_EXPECTED);
    String region = reader.string("SNOOZE_REGION", "us-central1", GcpNames.REGION, GcpNames.REGION_EXPECTED);
    String mig = reader.string("SNOOZE_MIG", "snooze-gpu", GcpNames.RESOURCE_NAME, GcpNames.RESOURCE_NAME_EXPECTED);
    String topic = reader.string("SNOOZE_TOPIC", "snooze-activity", GcpNames.TOPIC, GcpNames.TOPIC_EXPECTED);
    Optional<Path> functionsJar = Optional.ofNullable(reader.raw("SNOOZE_FUNCTIONS_JAR")).map(Path::of);
    functionsJar.filter(jar -> !Files.isRegularFile(jar)).ifPresent(jar -> reader.problem(
        "SNOOZE_FUNCTIONS_JAR=" + jar + " is not a file: build it with `mvn -B package -DskipTests`"
            + " (functions/target/snooze-functions-all.jar), or unset it to run the functions from the stack's classpath"));
    Location location =
        zone.isEmpty()
            ? new Region(region, zonesOf(region))
            : new Zone(zone);
    List<GpuOffer> offers = offers(reader, mig, location);
    reader.throwIfInvalid();
    return new StackSettings(port, idle, check, stages, operationLatency, keepAlive, tokenInterval, drainTimeout,
        concurrency, project, location, mig, offers, topic, functionsJar);
  }

  /** A backend service's longest connection draining timeout. */
  static final Duration MAX_DRAIN_TIMEOUT = Duration.ofHours(1);
  /** Bounds that keep a typo (an extra zero or three) from starting thousands of threads per VM. */
  static final int MAX_PARALLEL = 256;
  static final int MAX_QUEUE = 100_000;

  /** As the backend service's {@code connectionDraining.drainingTimeoutSec}: 0 to 3600 s. */
  private static Duration simDrainTimeout(Env reader) {
    Duration drain = reader.durationOrZero("SNOOZE_SIM_DRAIN_TIMEOUT", Duration.ZERO);
    if (drain.compareTo(MAX_DRAIN_TIMEOUT) > 0) {
      reader.problem("SNOOZE_SIM_DRAIN_TIMEOUT=" + reader.raw("SNOOZE_SIM_DRAIN_TIMEOUT")
          + " is longer than a backend service's connection draining allows: give at most 3600 seconds"
          + " (PT1H), or 0 for no draining");
      return Duration.ZERO;
    }
    return drain;
  }

  /** A fresh simulated VM's provisioning: from creation until RUNNING ({@code SNOOZE_SIM_BOOT_TIME}). */
  public Duration simBootTime() {
    return simStages.fresh().provisioning();
  }

  /** How long the stand-in model takes to load once its container started: the loading-model stage. */
  public Duration simModelLoadTime() {
    return simStages.fresh().loadingModel();
  }

  /**
   * The preset, overridden stage by stage by SNOOZE_SIM_STAGES; SNOOZE_SIM_BOOT_TIME, kept for
   * the scripts and tests that set it, is the provisioning stage.
   */
  private static SimStages stages(Env reader) {
    SimStages.Preset preset = reader.choice("SNOOZE_SIM_STAGE_PRESET", SimStages.Preset.COMPRESSED,
        SimStages.Preset.class);
    Duration boot = reader.duration("SNOOZE_SIM_BOOT_TIME", null);
    String raw = reader.raw("SNOOZE_SIM_STAGES");
    Map<String, Duration> overrides;
    try {
      overrides = new LinkedHashMap<>(SimStages.overrides(raw));
    } catch (IllegalArgumentException e) {
      reader.problem("SNOOZE_SIM_STAGES=" + raw + " " + e.getMessage() + ": set it to " + SimStages.FORMAT
          + ", or unset it for the " + preset.wire() + " preset's times");
      overrides = new LinkedHashMap<>();
    }
    if (boot != null) {
      Duration provisioning = overrides.putIfAbsent("provisioning", boot);
      if (provisioning != null && !provisioning.equals(boot)) {
        reader.problem("SNOOZE_SIM_BOOT_TIME=" + reader.raw("SNOOZE_SIM_BOOT_TIME") + " and provisioning="
            + provisioning + " in SNOOZE_SIM_STAGES disagree: set only one (SNOOZE_SIM_BOOT_TIME is the"
            + " provisioning stage's older name)");
      }
    }
    return SimStages.of(preset, overrides);
  }

  /**
   * Read as Ollama reads {@code OLLAMA_KEEP_ALIVE}, so the value shown to work here is the one to
   * give the deployment. A shorter keep-alive than the idle timeout is allowed: it is the
   * misconfiguration the stand-in shows (an awake GPU whose next user waits for a reload).
   */
  private static Duration simKeepAlive(Env reader) {
    String raw = reader.raw("SNOOZE_SIM_KEEP_ALIVE");
    if (raw == null) {
      return ModelSettings.NEVER_UNLOAD;
    }
    // ISO-8601 too, as every other duration knob here.
    Optional<Duration> iso = Optional.ofNullable(Env.parseDuration(raw))
        .map(d -> d.isNegative() ? ModelSettings.NEVER_UNLOAD : d);
    return ModelSettings.parseKeepAlive(raw).or(() -> iso).orElseGet(() -> {
      reader.problem("SNOOZE_SIM_KEEP_ALIVE=" + raw + " is not a keep-alive: give it as OLLAMA_KEEP_ALIVE,"
          + " a duration (e.g. 5m, 30s, 1h, PT5M), seconds (e.g. 300), or -1 to never unload the model");
      return ModelSettings.NEVER_UNLOAD;
    });
  }

  /** The zones the simulator gives a regional MIG. */
  public static List<String> zonesOf(String region) {
    return List.of(region + "-a", region + "-b", region + "-c");
  }

  private static List<GpuOffer> offers(Env reader, String mig, Location location) {
    String raw = reader.raw("SNOOZE_OFFERS");
    if (raw != null) {
      try {
        return GpuOffer.parseList(raw);
      } catch (IllegalArgumentException e) {
        reader.problem("SNOOZE_OFFERS=" + raw + " " + e.getMessage() + ": set it to " + GpuOffer.FORMAT
            + ", or unset it for a SPOT then a STANDARD MIG named after SNOOZE_MIG");
        return List.of();
      }
    }
    String spot = mig + "-spot";
    if (!GcpNames.RESOURCE_NAME.matcher(spot).matches()) {
      reader.problem("SNOOZE_MIG=" + mig + " leaves no room for the default SPOT offer's MIG " + spot
          + ": use a name of at most 58 characters, or set SNOOZE_OFFERS");
      return List.of();
    }
    return List.of(
        new GpuOffer(spot, location.name(), GpuOffer.ProvisioningModel.SPOT),
        new GpuOffer(mig, location.name(), GpuOffer.ProvisioningModel.STANDARD));
  }
}
