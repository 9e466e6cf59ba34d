package dev.snooze.local.compute;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
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
 *
 * <p>One decision falls due with time rather than with a request: a preempted VM's recreation
 * meets the stockouts in force when it begins. Every method first {@link #advance settles} the
 * recreations that began since the last call; stockouts change only inside such a call, so each
 * recreation is judged by the stockouts of its own moment.
 */
final class ComputeState {
  private final SimulatorConfig config;
  private final Map<String, GroupState> groups = new LinkedHashMap<>();
  private final Map<String, OperationRecord> operations = new HashMap<>();
  private final Map<String, String> operationByRequestId = new HashMap<>();
  private final Stockouts stockouts = new Stockouts();
  /** A fresh VM's stage times; its provisioning can be changed while running (slow boots). */
  private BootTimes fresh;

  ComputeState(SimulatorConfig config) {
    this.config = config;
    this.fresh = config.stages().fresh();
  }

  Instant now() {
    return config.clock().instant();
  }

  /** @return the group's scheduling: the one given, or the existing group's, which is left as it was */
  synchronized Scheduling addGroup(GroupRef ref, Scheduling scheduling) {
    return groups.computeIfAbsent(key(ref.project(), ref.scope(), ref.location(), ref.name()),
        k -> new GroupState(ref, scheduling, newId(), now())).scheduling;
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
    advance(now);
    Map<InstanceRecord, InstanceView> live = new LinkedHashMap<>();
    group.instances.values().removeIf(r -> Lifecycle.derive(r.command(), now).gone());
    for (InstanceRecord r : group.instances.values()) {
      live.put(r, Lifecycle.derive(r.command(), now));
    }
    return live;
  }

  synchronized Optional<InstanceRecord> member(GroupState group, String instanceName) {
    return Optional.ofNullable(group.instances.get(instanceName));
  }

  synchronized List<GroupState.ErrorEntry> errors(GroupState group) {
    advance(now());
    return List.copyOf(group.errors);
  }

  /** What an instance waiting for capacity shows as its last attempt's error: the shortage in force now. */
  synchronized Optional<CapacityError> lastAttemptError(GroupState group, InstanceRecord instance) {
    return stockouts.shortage(group.ref, instance.zone()).map(kind -> error(group, instance.zone(), kind));
  }

  synchronized boolean serving(GroupRef ref) {
    GroupState g = groups.get(key(ref.project(), ref.scope(), ref.location(), ref.name()));
    return g != null && instances(g, now()).values().stream().anyMatch(InstanceView::servingTraffic);
  }

  /** The RUNNING, healthy instances of these groups, in the groups' order, then oldest first. */
  synchronized List<String> servingInstances(List<GroupRef> refs) {
    return backendInstances(refs).serving();
  }

  /**
   * What the load balancer in front of these groups sees, read at one moment so that a VM that
   * turns from serving to draining is never missing from both lists.
   */
  synchronized BackendInstances backendInstances(List<GroupRef> refs) {
    Instant now = now();
    List<String> serving = new ArrayList<>();
    List<String> draining = new ArrayList<>();
    for (GroupRef ref : refs) {
      GroupState g = groups.get(key(ref.project(), ref.scope(), ref.location(), ref.name()));
      if (g != null) {
        instances(g, now).forEach((r, v) -> {
          if (v.servingTraffic()) {
            serving.add(r.name());
          } else if (v.draining()) {
            draining.add(r.name());
          }
        });
      }
    }
    return new BackendInstances(serving, draining);
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
    List<CapacityError> errors = new ArrayList<>();
    Map<InstanceRecord, InstanceView> live = instances(g, now);
    List<InstanceRecord> active = new ArrayList<>();
    for (var e : live.entrySet()) {
      if (wantedRunning(e.getKey().command())) {
        active.add(e.getKey());
      }
    }
    if (size > active.size()) {
      for (int i = active.size(); i < size; i++) {
        String zone = pickZone(g, now);
        Optional<StockoutKind> shortage = stockouts.shortage(g.ref, zone);
        InstanceRecord r = new InstanceRecord(g.ref.project(), zone, newInstanceName(g), newId(),
            new InstanceCommand.Create(now, shortage.isEmpty() ? now : null, fresh));
        g.instances.put(r.name(), r);
        shortage.ifPresent(kind -> recordShortage(g, r, "CREATING", kind, now, errors));
      }
    } else if (size < active.size()) {
      // Like a MIG, give up first what serves nothing yet: instances waiting for capacity, then
      // those still booting, newest first; healthy VMs go last.
      active.sort(Comparator.comparingInt((InstanceRecord r) -> deletionRank(live.get(r)))
          .thenComparing((InstanceRecord r) -> r.command().at(), Comparator.reverseOrder()));
      for (InstanceRecord r : active.subList(0, active.size() - size)) {
        InstanceView view = live.get(r);
        boolean hasVm = !view.waitingForCapacity();
        // The backend service drains a removed VM that could have requests on it: a RUNNING one. A
        // VM still provisioning has none, and reporting it RUNNING while it drains would be false.
        Duration drain = "RUNNING".equals(view.status()) ? config.drainTimeout() : Duration.ZERO;
        g.instances.put(r.name(), r.then(
            new InstanceCommand.Delete(now, drain, hasVm ? config.stopTime() : Duration.ZERO)));
      }
    }
    g.targetSize = size;
    return newOperation(g, methodId, requestId, now, errors);
  }

  /** Stops the named members that are not already stopped; unknown names are the caller's 400. */
  synchronized OperationRecord stop(GroupState g, List<InstanceRecord> members, String methodId, String requestId) {
    Instant now = now();
    advance(now);
    int stopped = 0;
    for (InstanceRecord r : members) {
      InstanceRecord current = g.instances.get(r.name());
      if (current == null || !wantedRunning(current.command())) {
        continue;
      }
      boolean hasVm = !Lifecycle.derive(current.command(), now).waitingForCapacity();
      g.instances.put(r.name(), current.then(new InstanceCommand.Stop(now, hasVm ? config.stopTime() : Duration.ZERO)));
      stopped++;
    }
    g.targetSize -= stopped;
    g.targetStoppedSize += stopped;
    return newOperation(g, methodId, requestId, now, List.of());
  }

  synchronized OperationRecord start(GroupState g, List<InstanceRecord> members, String methodId, String requestId) {
    Instant now = now();
    advance(now);
    List<CapacityError> errors = new ArrayList<>();
    int started = 0;
    for (InstanceRecord r : members) {
      InstanceRecord current = g.instances.get(r.name());
      if (current == null || !(current.command() instanceof InstanceCommand.Stop)) {
        continue;
      }
      Optional<StockoutKind> shortage = stockouts.shortage(g.ref, current.zone());
      InstanceRecord next = current.then(
          new InstanceCommand.Start(now, shortage.isEmpty() ? now : null, config.stages().restart()));
      g.instances.put(r.name(), next);
      shortage.ifPresent(kind -> recordShortage(g, next, "STARTING", kind, now, errors));
      started++;
    }
    g.targetSize += started;
    g.targetStoppedSize -= started;
    return newOperation(g, methodId, requestId, now, errors);
  }

  /**
   * Compute preempts the VMs (booting or running) of the SPOT groups named {@code mig}, or only
   * the named instance; their groups recreate them. Target sizes are unchanged.
   *
   * @param instance one instance's name, or null for all
   * @return the names of the instances preempted
   * @throws IllegalArgumentException for an unknown or STANDARD group, or an instance it lacks
   */
  synchronized List<String> preempt(String mig, String instance) {
    Instant now = now();
    advance(now);
    List<GroupState> named = groups.values().stream().filter(g -> g.ref.name().equals(mig)).toList();
    if (named.isEmpty()) {
      throw new IllegalArgumentException("no group named '" + mig + "'");
    }
    for (GroupState g : named) {
      if (!g.scheduling.spot()) {
        throw new IllegalArgumentException("group '" + mig + "' is " + g.scheduling.provisioningModel()
            + ": only a SPOT group's VMs are preempted");
      }
    }
    if (instance != null && named.stream().noneMatch(g -> g.instances.containsKey(instance))) {
      throw new IllegalArgumentException("group '" + mig + "' has no instance '" + instance + "'");
    }
    List<String> preempted = new ArrayList<>();
    for (GroupState g : named) {
      Scheduling.TerminationAction action = g.scheduling.terminationAction();
      // A stopped VM keeps its disk (driver, cached image) and restarts quicker; a deleted one boots afresh.
      BootTimes boot = action == Scheduling.TerminationAction.STOP ? config.stages().restart() : fresh;
      instances(g, now).forEach((r, v) -> {
        if ((instance == null || r.name().equals(instance)) && v.draining()) {
          // A VM the group is deleting is not recreated: preempted, it stops now, its drain cut short.
          g.instances.put(r.name(), r.then(new InstanceCommand.Delete(now, config.stopTime())));
          preempted.add(r.name());
        } else if ((instance == null || r.name().equals(instance)) && hasRunningVm(v)) {
          g.instances.put(r.name(), r.then(
              new InstanceCommand.Preempt(now, config.stopTime(), action, now.plus(config.stopTime()), boot)));
          g.recreationsDue.add(r.name());
          preempted.add(r.name());
        }
      });
    }
    return preempted;
  }

  synchronized void stockoutZone(String zone, StockoutKind kind) {
    advance(now());
    stockouts.zone(zone, kind);
  }

  /** @throws IllegalArgumentException when no group has this name: a typo would otherwise stock out nothing */
  synchronized void stockoutGroup(String mig, StockoutKind kind) {
    if (groups.values().stream().noneMatch(g -> g.ref.name().equals(mig))) {
      throw new IllegalArgumentException("no group named '" + mig + "'");
    }
    advance(now());
    stockouts.group(mig, kind);
  }

  synchronized void endZoneStockout(String zone) {
    Instant now = now();
    advance(now);
    if (stockouts.endZone(zone)) {
      release(now);
    }
  }

  synchronized void endGroupStockout(String mig) {
    Instant now = now();
    advance(now);
    if (stockouts.endGroup(mig)) {
      release(now);
    }
  }

  synchronized void endAllStockouts() {
    Instant now = now();
    advance(now);
    stockouts.clear();
    release(now);
  }

  synchronized Set<String> stockedOutZones() {
    return stockouts.zones();
  }

  synchronized List<Faults.Stockout> stockouts() {
    return stockouts.all();
  }

  /** Applies to VMs whose boot starts from now on; those already booting keep their time. */
  synchronized void bootTime(Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException("boot time must be a non-negative duration");
    }
    fresh = fresh.withProvisioning(value);
  }

  synchronized Duration bootTime() {
    return fresh.provisioning();
  }

  /**
   * The guest attributes of the instance's VM now: the stages its startup script reported so far
   * and what the VM wrote, of its current run, or of its last run while it is stopped.
   *
   * @return empty when no VM of that name exists in that zone (none yet, or deleted)
   */
  synchronized Optional<List<GuestAttribute>> guestAttributes(String project, String zone, String name) {
    Instant now = now();
    Optional<InstanceRecord> found = vm(name, now).filter(r -> r.project().equals(project) && r.zone().equals(zone));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    InstanceRecord r = found.get();
    Map<String, GuestAttribute> shown = new LinkedHashMap<>();
    Optional<VmRun> current = Lifecycle.currentRun(r.command(), now);
    VmRun run = current.orElse(r.previous() != null && Lifecycle.keepsPrevious(r.command(), now) ? r.previous() : null);
    if (run != null) {
      if (config.stageReports()) {
        Lifecycle.reportedStages(run, now).forEach(a -> shown.put(a.path(), a));
      }
      // The VM's own writes win: a startup script that reports a stage itself has the last word.
      // A draining VM still runs the run its delete ended: what it writes meanwhile adds to that run's.
      if (current.isEmpty()) {
        shown.putAll(run.written());
      }
      shown.putAll(r.written());
    }
    return Optional.of(List.copyOf(shown.values()));
  }

  /**
   * The VM writes a guest attribute, as through its metadata server.
   *
   * @return false when no VM of that name is RUNNING: nothing is written
   */
  synchronized boolean writeGuestAttribute(String name, GuestAttribute attribute) {
    Instant now = now();
    advance(now);
    for (GroupState g : groups.values()) {
      InstanceRecord r = g.instances.get(name);
      if (r != null && "RUNNING".equals(Lifecycle.derive(r.command(), now).status())) {
        g.instances.put(name, r.writing(attribute));
        return true;
      }
    }
    return false;
  }

  /** The instance of that name that has a VM now (in any state), in any group. */
  private Optional<InstanceRecord> vm(String name, Instant now) {
    advance(now);
    for (GroupState g : groups.values()) {
      InstanceRecord r = g.instances.get(name);
      if (r != null) {
        InstanceView view = Lifecycle.derive(r.command(), now);
        return view.status() == null || view.gone() ? Optional.empty() : Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Settles the recreations that began by {@code now}: one that finds its group or zone stocked
   * out waits, with the error listed at the moment it began.
   */
  private void advance(Instant now) {
    for (GroupState g : groups.values()) {
      for (Iterator<String> due = g.recreationsDue.iterator(); due.hasNext(); ) {
        InstanceRecord r = g.instances.get(due.next());
        if (r == null || !(r.command() instanceof InstanceCommand.Preempt p)) {
          due.remove(); // deleted or stopped before its recreation began
          continue;
        }
        if (now.isBefore(p.recreateAt())) {
          continue;
        }
        due.remove();
        Optional<StockoutKind> shortage = stockouts.shortage(g.ref, r.zone());
        if (shortage.isPresent()) {
          InstanceRecord waiting = r.with(p.waiting());
          g.instances.put(r.name(), waiting);
          g.errors.add(new GroupState.ErrorEntry(p.recreateAt(), waiting, "RECREATING",
              error(g, r.zone(), shortage.get())));
        }
      }
    }
  }

  /** Capacity is back: every instance the groups kept retrying, and now would get a VM, boots now. */
  private void release(Instant now) {
    for (GroupState g : groups.values()) {
      for (InstanceRecord r : List.copyOf(g.instances.values())) {
        if (!Lifecycle.derive(r.command(), now).waitingForCapacity()
            || stockouts.shortage(g.ref, r.zone()).isPresent()) {
          continue;
        }
        InstanceCommand c = r.command();
        InstanceCommand booting;
        if (c instanceof InstanceCommand.Create create) {
          booting = create.bootingFrom(now, fresh);
        } else if (c instanceof InstanceCommand.Start start) {
          booting = start.bootingFrom(now);
        } else {
          booting = ((InstanceCommand.Preempt) c).bootingFrom(now);
        }
        g.instances.put(r.name(), r.with(booting));
      }
    }
  }

  private void recordShortage(GroupState g, InstanceRecord r, String action, StockoutKind kind, Instant now,
      List<CapacityError> errors) {
    CapacityError error = error(g, r.zone(), kind);
    g.errors.add(new GroupState.ErrorEntry(now, r, action, error));
    if (errors.isEmpty()) {
      errors.add(error);
    }
  }

  private CapacityError error(GroupState g, String zone, StockoutKind kind) {
    return stockouts.error(g, zone, kind, groups.values());
  }

  /** Members the group keeps running (or trying to): not stopped, not being deleted. */
  private static boolean wantedRunning(InstanceCommand c) {
    return c instanceof InstanceCommand.Create || c instanceof InstanceCommand.Start
        || c instanceof InstanceCommand.Preempt;
  }

  private static boolean hasRunningVm(InstanceView v) {
    return "PROVISIONING".equals(v.status()) || "STAGING".equals(v.status()) || "RUNNING".equals(v.status());
  }

  private OperationRecord newOperation(GroupState g, String methodId, String requestId, Instant now,
      List<CapacityError> errors) {
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

  /** Spread over the group's zones, avoiding zones without capacity for it while others have it. */
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
        .min(Comparator.comparing((Map.Entry<String, Integer> e) -> stockouts.shortage(g.ref, e.getKey()).isPresent())
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
