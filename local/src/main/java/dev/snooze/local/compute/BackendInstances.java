package dev.snooze.local.compute;

import java.util.List;

/**
 * The groups' instances as the load balancer in front of them sees them, each list in the
 * groups' order, then oldest first.
 *
 * @param serving RUNNING and HEALTHY: they take new requests
 * @param draining being deleted and still RUNNING for the connection draining timeout: the
 *     requests already on them go on, no new ones come
 */
public record BackendInstances(List<String> serving, List<String> draining) {

  public BackendInstances {
    serving = List.copyOf(serving);
    draining = List.copyOf(draining);
  }
}
