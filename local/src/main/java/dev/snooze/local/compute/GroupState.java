package dev.snooze.local.compute;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The recorded facts of one group. Guarded by the owning {@link ComputeState}'s lock. */
final class GroupState {
  final GroupRef ref;
  final long id;
  final Instant created;
  int targetSize;
  int targetStoppedSize;
  final Map<String, InstanceRecord> instances = new LinkedHashMap<>();
  final List<ErrorEntry> errors = new ArrayList<>();

  GroupState(GroupRef ref, long id, Instant created) {
    this.ref = ref;
    this.id = id;
    this.created = created;
  }

  /** An entry of {@code listErrors}: the group failed an action on an instance. */
  record ErrorEntry(Instant at, InstanceRecord instance, String action, String code, String message) {}
}
