package dev.snooze.local.compute;

import dev.snooze.boot.BootStage;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pure derivation of an instance's reported state from its last command and the time now.
 * Keeping it free of state and I/O is what lets lifecycle tests run on a hand-driven clock.
 *
 * <p>A boot goes through the stages of its {@link BootTimes}: PROVISIONING then STAGING for the
 * provisioning time; RUNNING from then on, while the startup script reports {@code booting},
 * {@code driver}, {@code pulling-image} and {@code starting-container} as each begins; the
 * health check turns HEALTHY once the container has started. Loading the model is the stand-in
 * model's own business, after the container is up.
 */
final class Lifecycle {
  /** Share of the provisioning spent PROVISIONING before STAGING; real VMs spend most time staging. */
  private static final double PROVISIONING_SHARE = 0.4;
  /** The stages the simulated startup script reports itself; the later ones come from the stand-in VM. */
  static final List<BootStage> SCRIPTED =
      List.of(BootStage.BOOTING, BootStage.DRIVER, BootStage.PULLING_IMAGE, BootStage.STARTING_CONTAINER);
  /** RFC 3339 in UTC with milliseconds, what {@code date -u +%FT%T.%3NZ} writes on the VM. */
  static final DateTimeFormatter STAGE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Lifecycle() {}

  static InstanceView derive(InstanceCommand command, Instant now) {
    if (command instanceof InstanceCommand.Create create) {
      return booting(create.bootFrom(), create.boot(), "CREATING", null, now);
    }
    if (command instanceof InstanceCommand.Start start) {
      return booting(start.bootFrom(), start.boot(), "STARTING", "TERMINATED", now);
    }
    if (command instanceof InstanceCommand.Stop stop) {
      return elapsed(stop.at(), now).compareTo(stop.stop()) < 0
          ? new InstanceView("STOPPING", "STOPPING", null, false, false)
          : new InstanceView("TERMINATED", "NONE", null, false, false);
    }
    if (command instanceof InstanceCommand.Preempt preempt) {
      return preempted(preempt, now);
    }
    InstanceCommand.Delete delete = (InstanceCommand.Delete) command;
    Duration since = elapsed(delete.at(), now);
    if (since.compareTo(delete.drain()) < 0) {
      return new InstanceView("RUNNING", "DELETING", InstanceView.DRAINING, false, false);
    }
    return since.compareTo(delete.drain().plus(delete.stop())) < 0
        ? new InstanceView("STOPPING", "DELETING", null, false, false)
        : new InstanceView(null, "NONE", null, false, true);
  }

  /**
   * The VM's run that the command began, if its boot has begun by {@code now}: its stages are
   * what the VM reports. Nothing was written yet as far as the command knows.
   */
  static Optional<VmRun> currentRun(InstanceCommand command, Instant now) {
    if (command instanceof InstanceCommand.Booting booting && booting.bootFrom() != null
        && !now.isBefore(booting.bootFrom())) {
      return Optional.of(new VmRun(booting.bootFrom(), booting.boot(), null, Map.of()));
    }
    return Optional.empty();
  }

  /**
   * Whether the VM's previous run still shows its guest attributes while the command's own boot
   * has not begun: a stopped (or stopping) VM keeps them until it starts again; a deleted VM's
   * go with it.
   */
  static boolean keepsPrevious(InstanceCommand command, Instant now) {
    if (command instanceof InstanceCommand.Create) {
      return false;
    }
    if (command instanceof InstanceCommand.Preempt preempt) {
      return preempt.action() == Scheduling.TerminationAction.STOP || now.isBefore(preempt.recreateAt());
    }
    return true; // Start waiting for capacity, Stop, Delete while the VM is still stopping
  }

  /**
   * The stages the run's startup script has reported by {@code now} (or by the end of the run),
   * each with the time it began: {@code booting} at RUNNING, then each of {@link #SCRIPTED} after
   * the one before.
   */
  static List<GuestAttribute> reportedStages(VmRun run, Instant now) {
    Instant until = run.endedAt() != null && run.endedAt().isBefore(now) ? run.endedAt() : now;
    List<GuestAttribute> reported = new ArrayList<>();
    for (BootStage stage : SCRIPTED) {
      Instant began = run.boot().start(stage, run.bootFrom());
      if (began.isAfter(until)) {
        break;
      }
      reported.add(new GuestAttribute(BootStage.NAMESPACE, stage.wire(), STAGE_TIME.format(began)));
    }
    return reported;
  }

  /**
   * Compute stops the VM; once it is down the group recreates it, all under the RECREATING
   * action. A stopped VM (STOP) waits TERMINATED, a deleted one (DELETE) has no VM while waiting.
   */
  private static InstanceView preempted(InstanceCommand.Preempt preempt, Instant now) {
    if (now.isBefore(preempt.recreateAt())) {
      return new InstanceView("STOPPING", "RECREATING", null, false, false);
    }
    String statusWhileWaiting = preempt.action() == Scheduling.TerminationAction.STOP ? "TERMINATED" : null;
    return booting(preempt.bootFrom(), preempt.boot(), "RECREATING", statusWhileWaiting, now);
  }

  private static InstanceView booting(
      Instant bootFrom, BootTimes boot, String action, String statusWhileWaiting, Instant now) {
    if (bootFrom == null) {
      return new InstanceView(statusWhileWaiting, action, null, true, false);
    }
    Duration since = elapsed(bootFrom, now);
    Duration provisioning = boot.untilRunning();
    if (since.compareTo(provisioning) < 0) {
      boolean provisioningShare = since.toNanos() < provisioning.toNanos() * PROVISIONING_SHARE;
      return new InstanceView(provisioningShare ? "PROVISIONING" : "STAGING", action, null, false, false);
    }
    if (since.compareTo(boot.untilHealthy()) < 0) {
      return new InstanceView("RUNNING", "VERIFYING", "UNKNOWN", false, false);
    }
    return new InstanceView("RUNNING", "NONE", "HEALTHY", false, false);
  }

  /** Never negative: a clock that steps back must not make a VM un-boot. */
  private static Duration elapsed(Instant from, Instant now) {
    Duration d = Duration.between(from, now);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
