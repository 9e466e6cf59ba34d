package dev.snooze.local.compute;

import dev.snooze.boot.BootStage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long each stage of one boot of a simulated GPU VM lasts, from the wake to a loaded model.
 * {@code provisioning} is Compute's part (PROVISIONING, then STAGING); the others are the
 * guest's, each reported by its startup script as it begins. The health check turns HEALTHY
 * when the container has started, at {@link #untilHealthy()}; {@code loadingModel} is played by
 * the stand-in model, which loads after the container started.
 */
public record BootTimes(
    Duration provisioning,
    Duration booting,
    Duration driver,
    Duration pullingImage,
    Duration startingContainer,
    Duration loadingModel) {

  public BootTimes {
    check(BootStage.PROVISIONING, provisioning);
    check(BootStage.BOOTING, booting);
    check(BootStage.DRIVER, driver);
    check(BootStage.PULLING_IMAGE, pullingImage);
    check(BootStage.STARTING_CONTAINER, startingContainer);
    check(BootStage.LOADING_MODEL, loadingModel);
  }

  private static void check(BootStage stage, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("the " + stage.wire() + " stage needs a non-negative duration, got " + d);
    }
  }

  /** Every stage but {@link BootStage#READY} (which lasts while the VM serves). */
  public Duration of(BootStage stage) {
    return switch (Objects.requireNonNull(stage, "stage")) {
      case PROVISIONING -> provisioning;
      case BOOTING -> booting;
      case DRIVER -> driver;
      case PULLING_IMAGE -> pullingImage;
      case STARTING_CONTAINER -> startingContainer;
      case LOADING_MODEL -> loadingModel;
      case READY -> throw new IllegalArgumentException("ready is the end of the boot, not a stage with a duration");
    };
  }

  /** These times with one stage's duration changed. */
  public BootTimes with(BootStage stage, Duration value) {
    Map<BootStage, Duration> times = asMap();
    if (stage == BootStage.READY) {
      throw new IllegalArgumentException("ready is the end of the boot, not a stage with a duration");
    }
    times.put(stage, value);
    return new BootTimes(times.get(BootStage.PROVISIONING), times.get(BootStage.BOOTING),
        times.get(BootStage.DRIVER), times.get(BootStage.PULLING_IMAGE), times.get(BootStage.STARTING_CONTAINER),
        times.get(BootStage.LOADING_MODEL));
  }

  public BootTimes withProvisioning(Duration value) {
    return with(BootStage.PROVISIONING, value);
  }

  /**
   * The guest's stages up to a started container (booting, driver, pulling-image,
   * starting-container) spread evenly over {@code total}: for callers that only care when the
   * health check turns HEALTHY after RUNNING, not how the time is split.
   */
  public BootTimes withGuestTime(Duration total) {
    if (total == null || total.isNegative()) {
      throw new IllegalArgumentException("the guest's time needs a non-negative duration, got " + total);
    }
    Duration quarter = total.dividedBy(4);
    Duration last = total.minus(quarter.multipliedBy(3));
    return new BootTimes(provisioning, quarter, quarter, quarter, last, loadingModel);
  }

  /** From the start of the boot until RUNNING: Compute's share. */
  public Duration untilRunning() {
    return provisioning;
  }

  /** From the start of the boot until the container has started and the health check passes. */
  public Duration untilHealthy() {
    return provisioning.plus(guestUntilHealthy());
  }

  /** From RUNNING until the container has started. */
  public Duration guestUntilHealthy() {
    return booting.plus(driver).plus(pullingImage).plus(startingContainer);
  }

  /** The whole boot: from the start until the model is loaded ({@code ready}). */
  public Duration untilReady() {
    return untilHealthy().plus(loadingModel);
  }

  /** When {@code stage} begins in a boot that started at {@code bootFrom}. */
  public Instant start(BootStage stage, Instant bootFrom) {
    Instant at = bootFrom;
    for (BootStage s : BootStage.values()) {
      if (s == stage) {
        return at;
      }
      at = at.plus(of(s));
    }
    throw new IllegalArgumentException("unknown stage " + stage);
  }

  /** The stages in order with their durations (every stage but ready). */
  public Map<BootStage, Duration> asMap() {
    Map<BootStage, Duration> times = new EnumMap<>(BootStage.class);
    for (BootStage s : BootStage.values()) {
      if (s != BootStage.READY) {
        times.put(s, of(s));
      }
    }
    return times;
  }

  /** {@code provisioning=20s,booting=0.5s,...}: the form the knob takes, for logs. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    asMap().forEach((stage, d) -> s.append(s.length() == 0 ? "" : ",").append(stage.wire()).append('=')
        .append(d.toMillis() / 1000.0).append('s'));
    return s.toString();
  }
}
