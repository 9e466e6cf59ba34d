package dev.snooze.local.compute;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Timings of the simulated Compute Engine. Every status the simulator reports is derived from
 * these durations and {@link #clock()}, so a test with a hand-driven clock sees exactly the
 * same lifecycle as a demo on the wall clock, only without waiting.
 *
 * @param port the loopback port; 0 picks a free one
 * @param stages how long each boot stage lasts, for a created VM and for a stopped one started
 *     again: provisioning until RUNNING (PROVISIONING, then STAGING), then the guest's stages,
 *     reported as guest attributes, until the health check turns HEALTHY with the container
 * @param stopTime how long a VM stays STOPPING when it is stopped or deleted
 * @param operationLatency how long an operation stays RUNNING before it is DONE
 * @param waitCap the longest an {@code operations/OP/wait} call blocks (real API: 2 minutes)
 * @param stageReports whether the VMs report their guest stages as guest attributes, as a VM running
 *     Snooze's startup script does; false: a VM image without it, which reports nothing (Status then
 *     goes by the instance's status and health alone)
 * @param drainTimeout the backend service's connection draining timeout: how long a RUNNING VM that
 *     a resize removes stays up (RUNNING, DELETING, health DRAINING) for the requests already on it
 *     before it stops; zero = no draining. Stopping a VM never drains.
 */
public record SimulatorConfig(
    int port,
    Clock clock,
    SimStages stages,
    Duration stopTime,
    Duration operationLatency,
    Duration waitCap,
    boolean stageReports,
    Duration drainTimeout) {

  public SimulatorConfig {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(stages, "stages");
    for (Duration d : new Duration[] {stopTime, operationLatency, waitCap, drainTimeout}) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("timings must be non-negative durations");
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Timings that look like a real GPU VM in a demo, on the system clock and a free port. */
  public static SimulatorConfig defaults() {
    return new SimulatorConfig(
        0,
        Clock.systemUTC(),
        SimStages.defaults(),
        Duration.ofSeconds(3),
        Duration.ofMillis(500),
        Duration.ofMinutes(2),
        true,
        Duration.ZERO);
  }

  /** From the start of creation until the VM is RUNNING: a fresh VM's provisioning. */
  public Duration bootTime() {
    return stages.fresh().provisioning();
  }

  /** The same for a stopped VM being started: its disk already exists. */
  public Duration startTime() {
    return stages.restart().provisioning();
  }

  public SimulatorConfig withPort(int value) {
    return new SimulatorConfig(value, clock, stages, stopTime, operationLatency, waitCap, stageReports, drainTimeout);
  }

  public SimulatorConfig withClock(Clock value) {
    return new SimulatorConfig(port, value, stages, stopTime, operationLatency, waitCap, stageReports, drainTimeout);
  }

  public SimulatorConfig withStages(SimStages value) {
    return new SimulatorConfig(port, clock, value, stopTime, operationLatency, waitCap, stageReports, drainTimeout);
  }

  /** A fresh VM's provisioning: from the start of creation until RUNNING. */
  public SimulatorConfig withBootTime(Duration value) {
    return withStages(new SimStages(stages.fresh().withProvisioning(value), stages.restart()));
  }

  /** A restarted VM's provisioning: from the start until RUNNING. */
  public SimulatorConfig withStartTime(Duration value) {
    return withStages(new SimStages(stages.fresh(), stages.restart().withProvisioning(value)));
  }

  /**
   * From RUNNING until the health check reports HEALTHY, for fresh and restarted VMs alike: the
   * guest's stages spread evenly over it, for callers that need no stages of their own.
   */
  public SimulatorConfig withHealthDelay(Duration value) {
    return withStages(new SimStages(stages.fresh().withGuestTime(value), stages.restart().withGuestTime(value)));
  }

  public SimulatorConfig withStopTime(Duration value) {
    return new SimulatorConfig(port, clock, stages, value, operationLatency, waitCap, stageReports, drainTimeout);
  }

  public SimulatorConfig withOperationLatency(Duration value) {
    return new SimulatorConfig(port, clock, stages, stopTime, value, waitCap, stageReports, drainTimeout);
  }

  public SimulatorConfig withWaitCap(Duration value) {
    return new SimulatorConfig(port, clock, stages, stopTime, operationLatency, value, stageReports, drainTimeout);
  }

  public SimulatorConfig withDrainTimeout(Duration value) {
    return new SimulatorConfig(port, clock, stages, stopTime, operationLatency, waitCap, stageReports, value);
  }

  public SimulatorConfig withStageReports(boolean value) {
    return new SimulatorConfig(port, clock, stages, stopTime, operationLatency, waitCap, value, drainTimeout);
  }
}
