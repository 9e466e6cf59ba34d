package dev.snooze.local.gpu;

import java.util.Collection;
import java.util.List;

/**
 * The instances behind the load balancer at one moment, each list the longest serving first.
 *
 * @param serving RUNNING and healthy: they take new requests
 * @param draining being deleted under connection draining: still up, the requests on them go on,
 *     no new ones come; a VM in neither list is gone and its open streams are cut
 */
public record Upstreams(List<String> serving, List<String> draining) {
  public static final Upstreams NONE = new Upstreams(List.of(), List.of());

  public Upstreams {
    serving = List.copyOf(serving);
    draining = List.copyOf(draining);
  }

  /** These instances serve, none drains; null: none serves. */
  public static Upstreams serving(Collection<String> names) {
    return names == null ? NONE : new Upstreams(List.copyOf(names), List.of());
  }
}
