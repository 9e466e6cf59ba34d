package dev.snooze.local.compute;

import java.time.Instant;

/**
 * One API call as the simulator received it.
 *
 * @param method the API method id, e.g. {@code compute.regionInstanceGroupManagers.resize}
 * @param at the simulator's clock when the request arrived (microseconds on the system clock)
 * @param size a resize's {@code size} parameter; null for other methods or an unreadable one
 * @param resource the resource named in the path: the MIG's name for a MIG's method, the
 *     operation's for an operation's; null for a list
 */
public record ReceivedCall(String method, Instant at, Integer size, String resource) {

  /** A call whose resource is not known. */
  public ReceivedCall(String method, Instant at, Integer size) {
    this(method, at, size, null);
  }
}
