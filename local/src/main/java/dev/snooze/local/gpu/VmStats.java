package dev.snooze.local.gpu;

/**
 * What one simulated GPU VM did, as a test or a benchmark reads it.
 *
 * @param name the instance's name (a VM stopped and started again shows once per run)
 * @param state whether it takes new requests, drains, or is gone
 * @param inFlight requests on it now, generating or queued; 0 once gone
 * @param answered generation requests it answered to the end
 * @param busy requests it turned away with 503 "server busy" (its queue was full)
 * @param cut requests it still held when it went, whose streams were cut
 */
public record VmStats(String name, State state, int inFlight, long answered, long busy, long cut) {

  public enum State {
    /** Takes new requests from the load balancer. */
    SERVING,
    /** Being deleted: the requests on it go on, the load balancer sends it no new ones. */
    DRAINING,
    /** Gone: nothing reaches it any more. */
    GONE
  }

  public boolean draining() {
    return state == State.DRAINING;
  }
}
