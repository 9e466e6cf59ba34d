package dev.snooze.local.compute;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The recorded facts of one group. Guarded by the owning {@link ComputeState}'s lock. */
final class GroupState {
  final GroupRef ref;
  final Scheduling scheduling;
  final long id;
  final Instant created;
  int targetSize;
  int targetStoppedSize;
  final Map<String, InstanceRecord> instances = new LinkedHashMap<>();
  final List<ErrorEntry> errors = new ArrayList<>();
  /**
   * Preempted instances whose recreation has not begun: whether it finds capacity is decided by
   * the stockouts in force at that moment, so it is settled when that moment has passed.
   */
  final Set<String> recreationsDue = new LinkedHashSet<>();

  GroupState(GroupRef ref, Scheduling scheduling, long id, Instant created) {
    this.ref = ref;
    this.scheduling = scheduling;
    this.id = id;
    this.created = created;
  }

  /** An entry of {@code listErrors}: the group failed an action on an instance. */
  record ErrorEntry(Instant at, InstanceRecord instance, String action, CapacityError error) {}
}
