package dev.snooze.local.compute;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One member of a group: identity plus the last command given to it, and the guest attributes
 * its VM wrote: {@code written} during the command's own run, {@code previous} the run before
 * (a stopped VM keeps its attributes until it starts again).
 *
 * @param previous the VM's last run before the command's own, or null
 * @param written what the VM wrote during the command's own run, by {@link GuestAttribute#path()}
 */
record InstanceRecord(String project, String zone, String name, long id, InstanceCommand command, VmRun previous,
    Map<String, GuestAttribute> written) {

  InstanceRecord {
    written = Collections.unmodifiableMap(new LinkedHashMap<>(written));
  }

  InstanceRecord(String project, String zone, String name, long id, InstanceCommand command) {
    this(project, zone, name, id, command, null, Map.of());
  }

  /** The same command, amended (it waits for capacity, or its boot begins): the runs are unchanged. */
  InstanceRecord with(InstanceCommand amended) {
    return new InstanceRecord(project, zone, name, id, amended, previous, written);
  }

  /** A new command: the VM's run, if one had begun by then, ends at the new command's time. */
  InstanceRecord then(InstanceCommand next) {
    VmRun ended = Lifecycle.currentRun(command, next.at())
        .map(run -> run.ended(next.at(), written))
        .orElse(previous);
    return new InstanceRecord(project, zone, name, id, next, ended, Map.of());
  }

  /** The VM wrote an attribute during its current run. */
  InstanceRecord writing(GuestAttribute attribute) {
    Map<String, GuestAttribute> next = new LinkedHashMap<>(written);
    next.put(attribute.path(), attribute);
    return new InstanceRecord(project, zone, name, id, command, previous, next);
  }

  String zonePath() {
    return GroupRef.zonePath(project, zone);
  }

  String selfLink() {
    return GroupRef.API_BASE + zonePath() + "/instances/" + name;
  }
}
