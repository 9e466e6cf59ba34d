package dev.snooze.local.compute;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An operation the simulator returned. Its status is derived: RUNNING until
 * {@code insertTime + latency}, DONE from then on.
 *
 * @param errors the errors it ends with (a stockout or quota), empty on success
 */
record OperationRecord(
    String name,
    long id,
    GroupRef group,
    long targetId,
    String operationType,
    Instant insertTime,
    Duration latency,
    List<CapacityError> errors) {

  Instant doneAt() {
    return insertTime.plus(latency);
  }

  boolean done(Instant now) {
    return !now.isBefore(doneAt());
  }

  String resourcePath() {
    return group.locationPath() + "/operations/" + name;
  }
}
