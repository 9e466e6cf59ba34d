package dev.snooze.functions.state;

/**
 * Where the GPU MIG is in its sleep cycle, as recorded in the state document.
 *
 * <p>ERROR is a WAKING that has gone on too long (no GPU capacity in the zone, instances that
 * never turn healthy, or a permanent Compute error): the GPU is still wanted and the MIG keeps
 * trying, but users are told why they wait.
 */
public enum Phase {
  ASLEEP,
  WAKING,
  AWAKE,
  SLEEPING,
  ERROR,
  /**
   * Shown by Status only, never recorded: asleep (or going to sleep) because a budget cap is reached;
   * no wake until it resets.
   */
  OVER_BUDGET;

  /** True while the GPU is wanted: a wake was claimed and no sleep since. */
  public boolean wantsGpu() {
    return this == WAKING || this == AWAKE || this == ERROR;
  }
}
