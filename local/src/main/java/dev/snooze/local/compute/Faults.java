package dev.snooze.local.compute;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What can go wrong, on demand: failed HTTP calls, zones out of capacity, slow boots. The
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

  /** Creates and starts in this zone wait for capacity, and their operations end in error. */
  public void stockout(String zone) {
    state.stockout(zone);
  }

  /** Capacity returns: instances kept waiting begin booting at this moment. */
  public void endStockout(String zone) {
    state.endStockout(zone);
  }

  public Set<String> stockedOutZones() {
    return state.stockedOutZones();
  }

  /** Changes the boot time of VMs created from now on (slow boots). */
  public void bootTime(Duration value) {
    state.bootTime(value);
  }

  public Duration bootTime() {
    return state.bootTime();
  }

  /** Drops pending HTTP failures and ends every stockout; the boot time stays as set. */
  public synchronized void clear() {
    httpFaults.clear();
    state.endAllStockouts();
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
