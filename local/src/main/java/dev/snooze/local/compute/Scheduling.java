package dev.snooze.local.compute;

import dev.snooze.config.GpuOffer.ProvisioningModel;
import java.util.Objects;

/**
 * The scheduling of a group's instance template, as Compute names it
 * ({@code scheduling.provisioningModel}, {@code scheduling.instanceTerminationAction}): only a
 * SPOT group's VMs can be preempted, and the termination action says what preemption does to them.
 */
public record Scheduling(ProvisioningModel provisioningModel, TerminationAction terminationAction) {

  /** What Compute does to a preempted Spot VM. */
  public enum TerminationAction {
    /** Stops it, keeping its disk: the group then starts it again. */
    STOP,
    /** Deletes it: the group then creates a fresh VM under the same name. */
    DELETE
  }

  /** On-demand VMs, never preempted (Compute's default). */
  public static final Scheduling STANDARD = new Scheduling(ProvisioningModel.STANDARD, TerminationAction.STOP);

  public Scheduling {
    Objects.requireNonNull(provisioningModel, "provisioningModel");
    Objects.requireNonNull(terminationAction, "terminationAction");
  }

  public static Scheduling spot(TerminationAction terminationAction) {
    return new Scheduling(ProvisioningModel.SPOT, terminationAction);
  }

  public boolean spot() {
    return provisioningModel == ProvisioningModel.SPOT;
  }
}
