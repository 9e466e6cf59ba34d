package dev.snooze.local.compute;

/** One member of a group: identity plus the last command given to it. */
record InstanceRecord(String project, String zone, String name, long id, InstanceCommand command) {

  InstanceRecord with(InstanceCommand next) {
    return new InstanceRecord(project, zone, name, id, next);
  }

  String zonePath() {
    return GroupRef.zonePath(project, zone);
  }

  String selfLink() {
    return GroupRef.API_BASE + zonePath() + "/instances/" + name;
  }
}
