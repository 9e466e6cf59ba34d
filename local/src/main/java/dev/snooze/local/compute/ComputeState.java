package dev.snooze.local.compute;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The simulated project: groups, their instances, operations, and the capacity situation. The
 * decisions (which instance to delete, which zone gets a VM, whether a zone has capacity) are
 * made here when a request arrives and recorded as {@link InstanceCommand}s; what follows is
 * derived by {@link Lifecycle}. One lock keeps it simple; nothing here blocks or does I/O.
 */
final class ComputeState {
  static final String STOCKOUT_CODE = "ZONE_RESOURCE_POOL_EXHAUSTED";

  private final SimulatorConfig config;
  private final Map<String, GroupState> groups = new LinkedHashMap<>();
  private final Map<String, OperationRecord> operations = new HashMap<>();
  private final Map<String, String> operationByRequestId = new HashMap<>();
  private final Set<String> stockedOutZones = new HashSet<>();
  private Duration bootTime;

  ComputeState(SimulatorConfig config) {
    this.config = config;
    this.bootTime = config.bootTime();
  }

  Instant now() {
    return config.clock().instant();
  }

  Duration healthDelay() {
    return config.healthDelay();
  }

  synchronized void addGroup(GroupRef ref) {
    groups.putIfAbsent(key(ref.project(), ref.scope(), ref.location(), ref.name()),
        new GroupState(ref, newId(), now()));
  }

  synchronized Optional<GroupState> group(String project, GroupRef.Scope scope, String location, String name) {
    return Optional.ofNullable(groups.get(key(project, scope, location, name)));
  }

  synchronized List<GroupState> groups(String project, GroupRef.Scope scope, String location) {
    List<GroupState> found = new ArrayList<>();
    for (GroupState g : groups.values()) {
      if (g.ref.project().equals(project) && g.ref.scope() == scope && g.ref.location().equals(location)) {
        found.add(g);
      }
    }
    return found;
  }

  /** The live instances with their derived views, in creation order; finished deletes are dropped. */
  synchronized Map<InstanceRecord, InstanceView> instances(GroupState group, Instant now) {
    Map<InstanceRecord, InstanceView> live = new LinkedHashMap<>();
    group.instances.values().removeIf(r -> Lifecycle.derive(r.command(), now, healthDelay()).gone());
    for (InstanceRecord r : group.instances.values()) {
      live.put(r, Lifecycle.derive(r.command(), now, healthDelay()));
    }
    return live;
  }

  synchronized Optional<InstanceRecord> member(GroupState group, String instanceName) {
    return Optional.ofNullable(group.instances.get(instanceName));
  }

  synchronized List<GroupState.ErrorEntry> errors(GroupState group) {
    return List.copyOf(group.errors);
  }

  synchronized boolean serving(GroupRef ref) {
    GroupState g = groups.get(key(ref.project(), ref.scope(), ref.location(), ref.name()));
    return g != null && instances(g, now()).values().stream().anyMatch(InstanceView::servingTraffic);
  }

  /** The operation already answered for this request id, so that a retry changes nothing. */
  synchronized Optional<OperationRecord> byRequestId(GroupRef group, String requestId) {
    if (requestId == null || requestId.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(operationByRequestId.get(group.project() + "/" + requestId)).map(operations::get);
  }

  synchronized Optional<OperationRecord> operation(String project, GroupRef.Scope scope, String location, String name) {
    OperationRecord op = operations.get(name);
    if (op == null || !op.group().locationPath().equals(GroupRef.locationPath(project, scope, location))) {
      return Optional.empty();
    }
    return Optional.of(op);
  }

  synchronized OperationRecord resize(GroupState g, int size, String methodId, String requestId) {
    Instant now = now();
    List<OperationRecord.OperationError> errors = new ArrayList<>();
    Map<InstanceRecord, InstanceView> live = instances(g, now);
    List<InstanceRecord> active = new ArrayList<>();
    for (var e : live.entrySet()) {
      InstanceCommand c = e.getKey().command();
      if (c instanceof InstanceCommand.Create || c instanceof InstanceCommand.Start) {
        active.add(e.getKey());
      }
    }
    if (size > active.size()) {
      for (int i = active.size(); i < size; i++) {
        String zone = pickZone(g, now);
        boolean capacity = !stockedOutZones.contains(zone);
        InstanceRecord r = new InstanceRecord(g.ref.project(), zone, newInstanceName(g), newId(),
            new InstanceCommand.Create(now, capacity ? now : null, bootTime));
        g.instances.put(r.name(), r);
        if (!capacity) {
          recordStockout(g, r, "CREATING", now, errors);
        }
      }
    } else if (size < active.size()) {
      // Like a MIG, give up first what serves nothing yet: instances waiting for capacity, then
      // those still booting, newest first; healthy VMs go last.
      active.sort(Comparator.comparingInt((InstanceRecord r) -> deletionRank(live.get(r)))
          .thenComparing((InstanceRecord r) -> r.command().at(), Comparator.reverseOrder()));
      for (InstanceRecord r : active.subList(0, active.size() - size)) {
        boolean hasVm = !live.get(r).waitingForCapacity();
        g.instances.put(r.name(), r.with(new InstanceCommand.Delete(now, hasVm ? config.stopTime() : Duration.ZERO)));
      }
    }
    g.targetSize = size;
    return newOperation(g, methodId, requestId, now, errors);
  }

  /** Stops the named members that are not already stopped; unknown names are the caller's 400. */
  synchronized OperationRecord stop(GroupState g, List<InstanceRecord> members, String methodId, String requestId) {
    Instant now = now();
    int stopped = 0;
    for (InstanceRecord r : members) {
      InstanceRecord current = g.instances.get(r.name());
      if (current == null || !(current.command() instanceof InstanceCommand.Create
          || current.command() instanceof InstanceCommand.Start)) {
        continue;
      }
      boolean hasVm = !Lifecycle.derive(current.command(), now, healthDelay()).waitingForCapacity();
      g.instances.put(r.name(), current.with(new InstanceCommand.Stop(now, hasVm ? config.stopTime() : Duration.ZERO)));
      stopped++;
    }
    g.targetSize -= stopped;
    g.targetStoppedSize += stopped;
    return newOperation(g, methodId, requestId, now, List.of());
  }

  synchronized OperationRecord start(GroupState g, List<InstanceRecord> members, String methodId, String requestId) {
    Instant now = now();
    List<OperationRecord.OperationError> errors = new ArrayList<>();
    int started = 0;
    for (InstanceRecord r : members) {
      InstanceRecord current = g.instances.get(r.name());
      if (current == null || !(current.command() instanceof InstanceCommand.Stop)) {
        continue;
      }
      boolean capacity = !stockedOutZones.contains(current.zone());
      InstanceRecord next = current.with(new InstanceCommand.Start(now, capacity ? now : null, config.startTime()));
      g.instances.put(r.name(), next);
      if (!capacity) {
        recordStockout(g, next, "STARTING", now, errors);
      }
      started++;
    }
    g.targetSize += started;
    g.targetStoppedSize -= started;
    return newOperation(g, methodId, requestId, now, errors);
  }

  synchronized void stockout(String zone) {
    stockedOutZones.add(zone);
  }

  /** Capacity is back: every instance the groups kept retrying starts booting now. */
  synchronized void endStockout(String zone) {
    if (!stockedOutZones.remove(zone)) {
      return;
    }
    Instant now = now();
    for (GroupState g : groups.values()) {
      for (var e : List.copyOf(g.instances.values())) {
        if (!e.zone().equals(zone)) {
          continue;
        }
        if (e.command() instanceof InstanceCommand.Create c && c.bootFrom() == null) {
          g.instances.put(e.name(), e.with(c.bootingFrom(now, bootTime)));
        } else if (e.command() instanceof InstanceCommand.Start s && s.bootFrom() == null) {
          g.instances.put(e.name(), e.with(s.bootingFrom(now)));
        }
      }
    }
  }

  synchronized void endAllStockouts() {
    for (String zone : List.copyOf(stockedOutZones)) {
      endStockout(zone);
    }
  }

  synchronized Set<String> stockedOutZones() {
    return Set.copyOf(stockedOutZones);
  }

  /** Applies to VMs whose boot starts from now on; those already booting keep their time. */
  synchronized void bootTime(Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException("boot time must be a non-negative duration");
    }
    bootTime = value;
  }

  synchronized Duration bootTime() {
    return bootTime;
  }

  static String stockoutMessage(String project, String zone) {
    return "The zone '" + GroupRef.zonePath(project, zone)
        + "' does not have enough resources available to fulfill the request.  "
        + "Try a different zone, or try again later.";
  }

  private void recordStockout(GroupState g, InstanceRecord r, String action, Instant now,
      List<OperationRecord.OperationError> errors) {
    String message = stockoutMessage(g.ref.project(), r.zone());
    g.errors.add(new GroupState.ErrorEntry(now, r, action, STOCKOUT_CODE, message));
    if (errors.isEmpty()) {
      errors.add(new OperationRecord.OperationError(STOCKOUT_CODE, message));
    }
  }

  private OperationRecord newOperation(GroupState g, String methodId, String requestId, Instant now,
      List<OperationRecord.OperationError> errors) {
    long id = newId();
    String name = "operation-" + now.toEpochMilli() + "-" + hex(13) + "-" + hex(8) + "-" + hex(8);
    OperationRecord op = new OperationRecord(name, id, g.ref, g.id, methodId, now,
        config.operationLatency(), List.copyOf(errors));
    operations.put(name, op);
    if (requestId != null && !requestId.isEmpty()) {
      operationByRequestId.put(g.ref.project() + "/" + requestId, name);
    }
    return op;
  }

  /** Spread over the group's zones, avoiding zones without capacity while others have it. */
  private String pickZone(GroupState g, Instant now) {
    Map<String, Integer> load = new LinkedHashMap<>();
    for (String zone : g.ref.zones()) {
      load.put(zone, 0);
    }
    for (InstanceRecord r : g.instances.values()) {
      if (!(r.command() instanceof InstanceCommand.Delete)) {
        load.merge(r.zone(), 1, Integer::sum);
      }
    }
    return load.entrySet().stream()
        .min(Comparator.comparing((Map.Entry<String, Integer> e) -> stockedOutZones.contains(e.getKey()))
            .thenComparing(Map.Entry::getValue))
        .orElseThrow()
        .getKey();
  }

  private static int deletionRank(InstanceView v) {
    if (v.waitingForCapacity()) {
      return 0;
    }
    return v.servingTraffic() ? 2 : 1;
  }

  private String newInstanceName(GroupState g) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    while (true) {
      StringBuilder name = new StringBuilder(g.ref.name()).append('-');
      for (int i = 0; i < 4; i++) {
        name.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
      }
      if (!g.instances.containsKey(name.toString())) {
        return name.toString();
      }
    }
  }

  private static String hex(int digits) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      s.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
    }
    return s.toString();
  }

  /** Positive 19-digit ids, the size real resource ids have. */
  static long newId() {
    return 1_000_000_000_000_000_000L + ThreadLocalRandom.current().nextLong(8_000_000_000_000_000_000L);
  }

  private static String key(String project, GroupRef.Scope scope, String location, String name) {
    return GroupRef.locationPath(project, scope, location) + "/" + name;
  }
}
