package dev.snooze.functions.scale;

import java.time.Duration;
import java.util.Objects;

/**
 * How far an awake GPU scales out by requests in flight, and how slowly it scales back in.
 *
 * @param max the most GPU VMs while awake ({@code SNOOZE_MAX_SIZE}); the least is the policy's
 *     desired size, so a max equal to it scales nothing (0 ↔ that size, as before scaling)
 * @param targetInFlight requests in flight one VM is meant to carry ({@code SNOOZE_TARGET_IN_FLIGHT}):
 *     Ollama's {@code OLLAMA_NUM_PARALLEL}, or a little above it to keep its queue short
 * @param scaleInDelay how long demand must have stayed lower before a VM is removed
 *     ({@code SNOOZE_SCALE_IN_DELAY}): a pause between prompts must not remove a VM that took
 *     minutes to boot and will be wanted again
 */
public record Scaling(int max, int targetInFlight, Duration scaleInDelay) {
  /** Five minutes: Knative's 60 s stable window suits pods that start in seconds, not GPU VMs that boot in minutes. */
  public static final Duration DEFAULT_SCALE_IN_DELAY = Duration.ofMinutes(5);
  /** Ollama serves up to 4 requests of a model at once where memory allows. */
  public static final int DEFAULT_TARGET_IN_FLIGHT = 4;

  public Scaling {
    Objects.requireNonNull(scaleInDelay, "scaleInDelay");
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1: " + max);
    }
    if (targetInFlight < 1) {
      throw new IllegalArgumentException("targetInFlight must be at least 1: " + targetInFlight);
    }
    if (scaleInDelay.isNegative()) {
      throw new IllegalArgumentException("scaleInDelay must not be negative: " + scaleInDelay);
    }
  }

  /** No scaling: always {@code size} VMs while awake. */
  public static Scaling fixed(int size) {
    return new Scaling(size, DEFAULT_TARGET_IN_FLIGHT, DEFAULT_SCALE_IN_DELAY);
  }
}
