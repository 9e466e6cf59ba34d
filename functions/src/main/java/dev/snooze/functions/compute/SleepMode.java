package dev.snooze.functions.compute;

/** How the MIG sleeps. */
public enum SleepMode {
  /** Resize to 0: nothing is billed while asleep; a wake boots fresh VMs. The default. */
  DELETE,
  /**
   * Stop the instances: their boot disks (and the pulled container image and model on them) are
   * kept and billed as disks; a wake starts them, which is faster than creating them.
   */
  STOP
}
