package dev.snooze.local.compute;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stockouts in force: per zone (every group's VMs there) and per group, by MIG name (that
 * group's VMs in every zone, as a quota or a machine type short everywhere it is offered).
 * Guarded by the owning {@link ComputeState}'s lock.
 */
final class Stockouts {
  private final Map<String, StockoutKind> zones = new TreeMap<>();
  private final Map<String, StockoutKind> groups = new TreeMap<>();

  void zone(String zone, StockoutKind kind) {
    zones.put(zone, kind);
  }

  void group(String mig, StockoutKind kind) {
    groups.put(mig, kind);
  }

  /** @return whether it was in force */
  boolean endZone(String zone) {
    return zones.remove(zone) != null;
  }

  boolean endGroup(String mig) {
    return groups.remove(mig) != null;
  }

  void clear() {
    zones.clear();
    groups.clear();
  }

  /** What keeps the group from getting a VM in the zone now: its own stockout first, then the zone's. */
  Optional<StockoutKind> shortage(GroupRef group, String zone) {
    return Optional.ofNullable(groups.get(group.name())).or(() -> Optional.ofNullable(zones.get(zone)));
  }

  /**
   * What Compute says to the group about the zone: the kind's error, whose WITH_DETAILS message
   * names the zones of the same region, among those the groups use, where this group would get a
   * VM now.
   */
  CapacityError error(GroupState g, String zone, StockoutKind kind, Collection<GroupState> groups) {
    String region = StockoutKind.regionOf(zone);
    Set<String> zones = new TreeSet<>();
    groups.forEach(other -> zones.addAll(other.ref.zones()));
    List<String> withCapacity = zones.stream()
        .filter(z -> !z.equals(zone) && StockoutKind.regionOf(z).equals(region))
        .filter(z -> shortage(g.ref, z).isEmpty())
        .toList();
    return kind.error(g.ref.project(), zone, withCapacity, g.scheduling.spot());
  }

  Set<String> zones() {
    return Set.copyOf(zones.keySet());
  }

  /** Zones first, then groups, each sorted by name. */
  List<Faults.Stockout> all() {
    List<Faults.Stockout> all = new ArrayList<>();
    zones.forEach((zone, kind) -> all.add(new Faults.Stockout(zone, null, kind)));
    groups.forEach((mig, kind) -> all.add(new Faults.Stockout(null, mig, kind)));
    return all;
  }
}
