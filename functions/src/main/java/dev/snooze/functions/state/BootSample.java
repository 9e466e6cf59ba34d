package dev.snooze.functions.state;

import dev.snooze.boot.BootStage;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long each stage of one past wake of an offer took, as its VM reported them: what the ETA
 * of later wakes is learned from. Stored in the offer's record, the newest {@value #KEPT} kept.
 *
 * @param mode the sleep mode the VM woke from (a restarted VM skips most of a created one's work)
 * @param at when the wake was ready
 * @param took each stage before {@link BootStage#READY}
 */
public record BootSample(String mode, Instant at, Map<BootStage, Duration> took) {
  public static final int KEPT = 10;

  public BootSample {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(at, "at");
    EnumMap<BootStage, Duration> copy = new EnumMap<>(BootStage.class);
    copy.putAll(took);
    took = Collections.unmodifiableMap(copy);
  }

  public Duration total() {
    return took.values().stream().reduce(Duration.ZERO, Duration::plus);
  }
}
