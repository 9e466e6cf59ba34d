package dev.snooze.local.compute;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What can go wrong, on demand: failed HTTP calls, zones or groups out of capacity (or GPU
 * quota), Spot VMs preempted, slow boots. The
 * same switches are reachable over HTTP under {@code /simulator/faults} (see {@link ComputeSimulator}).
 */
public final class Faults {
  /** Matches every API method in {@link #failNext}. */
  public static final String ANY_METHOD = "*";

  private final ComputeState state;
  private final List<HttpFault> httpFaults = new ArrayList<>();

  Faults(ComputeState state) {
    this.state = state;
  }

  /** A pending injected failure: the next {@code remaining} calls of {@code method} get {@code status}. */
  public record HttpFault(String method, int status, int remaining) {}

  /**
   * Fails the next {@code count} calls of an API method (e.g. {@code compute.instanceGroupManagers.resize},
   * or {@link #ANY_METHOD}) with 429, 500 or 503 and the API's body for that status.
   */
  public synchronized void failNext(String method, int count, int status) {
    if (method == null || method.isBlank()) {
      throw new IllegalArgumentException("method is required");
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1");
    }
    if (status != 429 && status != 500 && status != 503) {
      throw new IllegalArgumentException("status must be 429, 500 or 503");
    }
    httpFaults.add(new HttpFault(method, status, count));
  }

  public synchronized List<HttpFault> pendingHttpFaults() {
    return List.copyOf(httpFaults);
  }

  /**
   * A stockout in force: of a zone (every group's VMs there) or of a group (its VMs anywhere).
   *
   * @param zone the zone, or null for a group's stockout
   * @param group the MIG's name, or null for a zone's stockout
   */
  public record Stockout(String zone, String group, StockoutKind kind) {}

  /** Creates and starts in this zone wait for capacity, and their operations end in error. */
  public void stockout(String zone) {
    stockout(zone, StockoutKind.ZONE_RESOURCE_POOL_EXHAUSTED);
  }

  /** Like {@link #stockout(String)}, with the error's kind; a stockout in force takes the new kind. */
  public void stockout(String zone, StockoutKind kind) {
    state.stockoutZone(requireName(zone, "zone"), Objects.requireNonNull(kind, "kind"));
  }

  /** Capacity returns: instances kept waiting begin booting at this moment. */
  public void endStockout(String zone) {
    state.endZoneStockout(zone);
  }

  /** Like {@link #stockoutGroup(String, StockoutKind)}, with ZONE_RESOURCE_POOL_EXHAUSTED. */
  public void stockoutGroup(String mig) {
    stockoutGroup(mig, StockoutKind.ZONE_RESOURCE_POOL_EXHAUSTED);
  }

  /**
   * Every creation, start and recreation of the group named {@code mig} (in any zone) waits for
   * capacity, and their operations end in the kind's error, until {@link #endGroupStockout}.
   *
   * @throws IllegalArgumentException when no group has that name
   */
  public void stockoutGroup(String mig, StockoutKind kind) {
    state.stockoutGroup(requireName(mig, "group"), Objects.requireNonNull(kind, "kind"));
  }

  /** Capacity returns for the group: its instances kept waiting begin booting now (unless their zone is out). */
  public void endGroupStockout(String mig) {
    state.endGroupStockout(mig);
  }

  public Set<String> stockedOutZones() {
    return state.stockedOutZones();
  }

  /** Every stockout in force: zones first, then groups, each sorted by name. */
  public List<Stockout> stockouts() {
    return state.stockouts();
  }

  /**
   * Compute preempts every VM (booting or running) of the SPOT group named {@code mig}: each is
   * STOPPING for the stop time, then the group recreates it (a stockout then makes it wait).
   *
   * @return the names of the instances preempted; empty when none had a VM
   * @throws IllegalArgumentException for an unknown group or a STANDARD one
   */
  public List<String> preempt(String mig) {
    return state.preempt(requireName(mig, "group"), null);
  }

  /** Like {@link #preempt(String)}, for one instance of the group. */
  public List<String> preempt(String mig, String instance) {
    return state.preempt(requireName(mig, "group"), requireName(instance, "instance"));
  }

  /** Changes the boot time of VMs created from now on (slow boots). */
  public void bootTime(Duration value) {
    state.bootTime(value);
  }

  public Duration bootTime() {
    return state.bootTime();
  }

  /**
   * Drops pending HTTP failures and ends every stockout, of zones and groups; the boot time
   * stays as set, and preempted VMs go on being recreated.
   */
  public synchronized void clear() {
    httpFaults.clear();
    state.endAllStockouts();
  }

  private static String requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("'" + what + "' is required");
    }
    return value;
  }

  /** Consumes one pending failure for this call, if any. */
  synchronized Optional<Integer> take(String method) {
    for (Iterator<HttpFault> it = httpFaults.iterator(); it.hasNext(); ) {
      HttpFault f = it.next();
      if (f.method().equals(method) || f.method().equals(ANY_METHOD)) {
        int index = httpFaults.indexOf(f);
        if (f.remaining() <= 1) {
          it.remove();
        } else {
          httpFaults.set(index, new HttpFault(f.method(), f.status(), f.remaining() - 1));
        }
        return Optional.of(f.status());
      }
    }
    return Optional.empty();
  }
}
