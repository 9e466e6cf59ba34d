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
 * @param bootTime from the start of creation until the VM is RUNNING (PROVISIONING, then STAGING)
 * @param startTime the same for a stopped VM being started: its disk already exists
 * @param stopTime how long a VM stays STOPPING when it is stopped or deleted
 * @param healthDelay from RUNNING until the health check reports HEALTHY
 * @param operationLatency how long an operation stays RUNNING before it is DONE
 * @param waitCap the longest an {@code operations/OP/wait} call blocks (real API: 2 minutes)
 */
public record SimulatorConfig(
    int port,
    Clock clock,
    Duration bootTime,
    Duration startTime,
    Duration stopTime,
    Duration healthDelay,
    Duration operationLatency,
    Duration waitCap) {

  public SimulatorConfig {
    Objects.requireNonNull(clock, "clock");
    for (Duration d : new Duration[] {bootTime, startTime, stopTime, healthDelay, operationLatency, waitCap}) {
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
        Duration.ofSeconds(20),
        Duration.ofSeconds(8),
        Duration.ofSeconds(3),
        Duration.ofSeconds(2),
        Duration.ofMillis(500),
        Duration.ofMinutes(2));
  }

  public SimulatorConfig withPort(int value) {
    return new SimulatorConfig(value, clock, bootTime, startTime, stopTime, healthDelay, operationLatency, waitCap);
  }

  public SimulatorConfig withClock(Clock value) {
    return new SimulatorConfig(port, value, bootTime, startTime, stopTime, healthDelay, operationLatency, waitCap);
  }

  public SimulatorConfig withBootTime(Duration value) {
    return new SimulatorConfig(port, clock, value, startTime, stopTime, healthDelay, operationLatency, waitCap);
  }

  public SimulatorConfig withStartTime(Duration value) {
    return new SimulatorConfig(port, clock, bootTime, value, stopTime, healthDelay, operationLatency, waitCap);
  }

  public SimulatorConfig withStopTime(Duration value) {
    return new SimulatorConfig(port, clock, bootTime, startTime, value, healthDelay, operationLatency, waitCap);
  }

  public SimulatorConfig withHealthDelay(Duration value) {
    return new SimulatorConfig(port, clock, bootTime, startTime, stopTime, value, operationLatency, waitCap);
  }

  public SimulatorConfig withOperationLatency(Duration value) {
    return new SimulatorConfig(port, clock, bootTime, startTime, stopTime, healthDelay, value, waitCap);
  }

  public SimulatorConfig withWaitCap(Duration value) {
    return new SimulatorConfig(port, clock, bootTime, startTime, stopTime, healthDelay, operationLatency, value);
  }
}
