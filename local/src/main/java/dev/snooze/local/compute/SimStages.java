package dev.snooze.local.compute;

import dev.snooze.boot.BootStage;
import dev.snooze.config.Env;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The simulated GPU VM's stage times: for a fresh VM (created, or recreated after a Spot VM was
 * deleted: the driver is installed and the image pulled) and for a stopped VM that is started
 * again (its disk keeps the driver and the cached image, so those stages are short), as on GCE.
 *
 * <p>A restart's times follow a fresh boot's unless set themselves: provisioning takes 40% of
 * a fresh VM's (its boot disk exists: no image to copy), driver and pulling-image take the preset's restart time but never
 * longer than a fresh boot's, the other stages the same as a fresh boot's.
 *
 * @param fresh a created or recreated VM's stages
 * @param restart a stopped VM's stages when it is started again
 */
public record SimStages(BootTimes fresh, BootTimes restart) {
  /** The stages the overrides name, with {@value #RESTART_PREFIX} for a restart's own time. */
  public static final String FORMAT = "comma-separated STAGE=DURATION (seconds or ISO-8601), STAGE one of "
      + "provisioning, booting, driver, pulling-image, starting-container, loading-model, optionally prefixed "
      + "with 'restart.' for a stopped VM's restart, e.g. provisioning=20,driver=2,restart.driver=0.5";
  static final String RESTART_PREFIX = "restart.";

  public SimStages {
    Objects.requireNonNull(fresh, "fresh");
    Objects.requireNonNull(restart, "restart");
  }

  /** Ready-made stage times; every one can be overridden stage by stage. */
  public enum Preset {
    /**
     * For tests and quick demos, about 24 s in all: the provisioning the simulator always had
     * (20 s, {@code SNOOZE_SIM_BOOT_TIME}; 8 s for a restart), then the guest's four stages in 2 s
     * together (the health delay the simulator had before it knew stages, which the stack tests'
     * timeouts assume; 1.4 s for a restart), then 2 s to load the model.
     */
    COMPRESSED(
        new BootTimes(Duration.ofSeconds(20), Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500),
            Duration.ofMillis(500), Duration.ofSeconds(2)),
        Duration.ofMillis(200), Duration.ofMillis(200)),
    /**
     * GCE's orders of magnitude for a GPU VM on a stock image that installs its driver at boot,
     * about 4.5 minutes fresh and 1.6 minutes for a restart (others' published measurements,
     * also in the README's stage table). Provisioning 40 s: a GPU VM's PROVISIONING and STAGING, slower than
     * a plain VM's. Booting 25 s: a plain GCE VM reaches SSH in about 25 s. Driver 90 s: a GCP GPU
     * runner spent about 2 minutes on it, NVIDIA's .run installer 2–3 minutes (a Deep Learning VM
     * image with the driver preinstalled, or a restarted VM, only checks it: about 5 s).
     * Pulling-image 60 s: a few GB of inference image (2 s once cached on a stopped VM's disk).
     * Starting-container 5 s. Loading-model 45 s: one report measured 45–52 s for Ollama to
     * reload a model from disk.
     */
    REALISTIC(
        new BootTimes(Duration.ofSeconds(40), Duration.ofSeconds(25), Duration.ofSeconds(90), Duration.ofSeconds(60),
            Duration.ofSeconds(5), Duration.ofSeconds(45)),
        Duration.ofSeconds(5), Duration.ofSeconds(2));

    private final BootTimes fresh;
    private final Duration restartDriver;
    private final Duration restartPull;

    Preset(BootTimes fresh, Duration restartDriver, Duration restartPull) {
      this.fresh = fresh;
      this.restartDriver = restartDriver;
      this.restartPull = restartPull;
    }

    public SimStages stages() {
      return override(Map.of(), Map.of());
    }

    /** The preset with a fresh boot's and a restart's own overrides; the rest follows the rules above. */
    SimStages override(Map<BootStage, Duration> freshOverrides, Map<BootStage, Duration> restartOverrides) {
      BootTimes f = fresh;
      for (var e : freshOverrides.entrySet()) {
        f = f.with(e.getKey(), e.getValue());
      }
      BootTimes r = f.withProvisioning(f.provisioning().multipliedBy(2).dividedBy(5))
          .with(BootStage.DRIVER, shorter(restartDriver, f.driver()))
          .with(BootStage.PULLING_IMAGE, shorter(restartPull, f.pullingImage()));
      for (var e : restartOverrides.entrySet()) {
        r = r.with(e.getKey(), e.getValue());
      }
      return new SimStages(f, r);
    }

    /** {@code compressed} or {@code realistic}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    private static Duration shorter(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }

  /** The default: {@link Preset#COMPRESSED}. */
  public static SimStages defaults() {
    return Preset.COMPRESSED.stages();
  }

  /**
   * The preset with overrides such as {@code provisioning=20,booting=3,restart.driver=0.5}
   * (see {@link #FORMAT}); a stage not named keeps the preset's time, or follows the fresh
   * boot's for a restart.
   *
   * @throws IllegalArgumentException naming the first bad item and why
   */
  public static SimStages parse(Preset preset, String overrides) {
    return of(preset, overrides(overrides));
  }

  /**
   * The overrides of {@code spec} by name ({@code driver}, {@code restart.driver}), in order.
   *
   * @throws IllegalArgumentException naming the first bad item and why, e.g. "names an unknown stage 'gpu'"
   */
  public static Map<String, Duration> overrides(String spec) {
    Map<String, Duration> parsed = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return parsed;
    }
    for (String item : spec.split(",", -1)) {
      String trimmed = item.strip();
      int eq = trimmed.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("has '" + trimmed + "' without '='");
      }
      String name = trimmed.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = trimmed.substring(eq + 1).strip();
      stage(name); // its name must be known
      Duration d = value.isEmpty() ? null : Env.parseDuration(value);
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("gives " + name + " '" + value + "', not a non-negative duration");
      }
      if (parsed.put(name, d) != null) {
        throw new IllegalArgumentException("sets " + name + " twice");
      }
    }
    return parsed;
  }

  /** The preset with overrides by name, as {@link #overrides} reads them. */
  public static SimStages of(Preset preset, Map<String, Duration> overrides) {
    Map<BootStage, Duration> fresh = new EnumMap<>(BootStage.class);
    Map<BootStage, Duration> restart = new EnumMap<>(BootStage.class);
    overrides.forEach((name, d) -> (name.startsWith(RESTART_PREFIX) ? restart : fresh).put(stage(name), d));
    return preset.override(fresh, restart);
  }

  private static BootStage stage(String name) {
    String wire = name.startsWith(RESTART_PREFIX) ? name.substring(RESTART_PREFIX.length()) : name;
    return BootStage.fromWire(wire).filter(s -> s != BootStage.READY).orElseThrow(
        () -> new IllegalArgumentException("names an unknown stage '" + name + "'"));
  }

  /** The longest whole wake: a fresh VM's, from the start of provisioning until the model is loaded. */
  public Duration longestUntilReady() {
    Duration f = fresh.untilReady();
    Duration r = restart.untilReady();
    return f.compareTo(r) >= 0 ? f : r;
  }
}
