package dev.snooze.local.compute;

/**
 * What the API reports about one instance at one moment.
 *
 * @param status the VM's instanceStatus, null while no VM exists yet
 * @param action the group's currentAction for it (CREATING, VERIFYING, NONE, ...)
 * @param health the health check's detailedHealthState, null when none is reported
 * @param waitingForCapacity true while a create or start is held back by a stockout
 * @param gone true once a delete has finished: the instance is no longer listed
 */
record InstanceView(String status, String action, String health, boolean waitingForCapacity, boolean gone) {
  /** The health state GCE reports for a VM the load balancer drains: its requests finish, no new ones come. */
  static final String DRAINING = "DRAINING";

  /** Takes new requests from the load balancer: RUNNING and HEALTHY (a draining VM reports DRAINING). */
  boolean servingTraffic() {
    return "RUNNING".equals(status) && "HEALTHY".equals(health);
  }

  /** Being deleted, still running: the requests already on it go on, no new ones come. */
  boolean draining() {
    return "RUNNING".equals(status) && DRAINING.equals(health);
  }
}
