package dev.snooze.cli.plan;

import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.decision.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPU MIG as the replay's checks see it: asleep (target size 0), booting (its VMs have
 * capacity and boot: STAGING), or serving (RUNNING and HEALTHY) from a wake's length after the
 * resize that woke it. A resize while it is booting or serving changes nothing, as in Compute. The
 * offers after the preferred one are never woken in a replay (no stockouts are simulated): they are
 * always seen asleep. The three views are built once: a check costs no allocation here.
 */
final class SimulatedMig {
  enum State { ASLEEP, BOOTING, SERVING }

  private final Map<String, MigView> asleep;
  private final Map<String, MigView> booting;
  private final Map<String, MigView> serving;
  private State state = State.ASLEEP;
  private long servingAt = Long.MAX_VALUE;

  SimulatedMig(Policy policy) {
    asleep = views(policy, new MigView(0, 0, true, List.of(), null));
    booting = views(policy, view(policy, "STAGING", "", "CREATING", false));
    serving = views(policy, view(policy, "RUNNING", "HEALTHY", "NONE", true));
  }

  private static MigView view(Policy policy, String status, String health, String action, boolean stable) {
    List<MigView.Instance> instances = new ArrayList<>();
    GpuOffer offer = policy.preferred();
    String zone = offer.zonal() ? offer.location() : offer.location() + "-a";
    for (int i = 0; i < policy.desiredSize(); i++) {
      instances.add(new MigView.Instance(offer.mig() + "-plan" + i, zone, status, health, action));
    }
    return new MigView(policy.desiredSize(), 0, stable, instances, null);
  }

  private static Map<String, MigView> views(Policy policy, MigView preferred) {
    Map<String, MigView> views = new LinkedHashMap<>();
    for (GpuOffer offer : policy.offers()) {
      views.put(offer.mig(), offer == policy.preferred() ? preferred : new MigView(0, 0, true, List.of(), null));
    }
    return Map.copyOf(views);
  }

  /** Resized to the desired size at {@code now}: it serves {@code wakeMillis} later. */
  void wake(long now, long wakeMillis) {
    if (state == State.ASLEEP) {
      state = State.BOOTING;
      servingAt = now + wakeMillis;
    }
  }

  /** Resized to 0 (or stopped): it stops serving at once. */
  void sleep() {
    state = State.ASLEEP;
    servingAt = Long.MAX_VALUE;
  }

  /** When a booting MIG serves; {@link Long#MAX_VALUE} when none is booting. */
  long servingAt() {
    return state == State.BOOTING ? servingAt : Long.MAX_VALUE;
  }

  /** Its VMs pass the health check now. */
  void serve() {
    state = State.SERVING;
  }

  boolean serving() {
    return state == State.SERVING;
  }

  /** Every offer's MIG, as a check reads them. */
  Map<String, MigView> views() {
    return switch (state) {
      case ASLEEP -> asleep;
      case BOOTING -> booting;
      case SERVING -> serving;
    };
  }
}
