package dev.snooze.local.compute;

import com.sun.net.httpserver.HttpExchange;
import dev.snooze.local.http.LoopbackServer;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A local Compute Engine that the real {@code google-cloud-compute} client (httpjson transport)
 * talks to unchanged: point it at {@link #baseUrl()} with {@code NoCredentialsProvider}.
 *
 * <p>Serves, zonal ({@code /compute/v1/projects/P/zones/Z/...}) and regional
 * ({@code .../regions/R/...}): {@code instanceGroupManagers} list, get, resize,
 * listManagedInstances, listErrors, stopInstances, startInstances; operations get and wait; and,
 * zonal, {@code instances/NAME/getGuestAttributes}: the stages the simulated VM's startup script
 * reported ({@code snooze/booting} … {@code snooze/starting-container}, each the RFC 3339 time it
 * began, as {@link SimulatorConfig#stages()} has them) and what the VM wrote itself.
 * Responses are the compute v1 model classes printed by protobuf's JsonFormat; errors use the
 * API's body {@code {"error":{"code","message","errors":[{"message","domain","reason"}]}}}; a
 * URL no method serves gets Google's HTML 404 page. {@code requestId} makes a mutating call
 * idempotent: a repeat returns the first call's operation and changes nothing.
 *
 * <p>Control routes (JSON in and out; never used by the real API):
 * <pre>
 * GET  /simulator/calls                 {"compute.instanceGroupManagers.get": 3, ...}
 * GET  /simulator/calls/log[?since=T]   {"calls":[{"method","at":"2026-…T…Z","size":1,"resource":MIG}, ...]}: each
 *                                       call received (after T, an ISO-8601 instant), oldest first; "resource"
 *                                       is the MIG's (or operation's) name, absent for a list
 * POST /simulator/calls/reset           {}: forgets the counts and the log
 * GET  /simulator/faults                {"http":[{"method","status","remaining"}],"stockedOutZones":[..],
 *                                       "stockouts":[{"zone":Z,"kind":K},{"group":MIG,"kind":K}],"bootTimeMillis":N}
 * POST /simulator/faults/http           {"method":"compute.instanceGroupManagers.resize"|"*","count":2,"status":429|500|503}
 * POST /simulator/faults/stockout       {"zone":"us-central1-a"} or {"group":"snooze-gpu-spot"}, with optional
 *                                       "kind":"ZONE_RESOURCE_POOL_EXHAUSTED" (default)|"ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS"
 *                                       |"QUOTA_EXCEEDED" and "active":true (default)|false (false ends it)
 * POST /simulator/faults/preempt        {"group":"snooze-gpu-spot"} or {"group":..,"instance":"snooze-gpu-spot-x1y2"}:
 *                                       preempts a SPOT group's VMs that have one; {"preempted":["snooze-gpu-spot-x1y2"]}
 * POST /simulator/faults/boot-time      {"millis":60000}
 * POST /simulator/faults/clear          drops HTTP faults, ends every stockout (zones and groups)
 * POST /simulator/groups                {"project","zone","name"} or {"project","region","zones":[..],"name"}, with
 *                                       optional "provisioningModel":"STANDARD" (default)|"SPOT" and
 *                                       "terminationAction":"STOP" (default)|"DELETE" (what preemption does)
 *                                       {"selfLink","provisioningModel","terminationAction"}
 * GET  /simulator/serving?project=P&amp;zone=Z&amp;name=N   (or region=R)   {"serving":true}
 * PUT  /simulator/guest-attributes/INSTANCE/NAMESPACE/KEY   body: the value (any text), as a VM writes it to
 *                                       its metadata server; {"instance","namespace","key","value"}, or 404
 *                                       {"error"} when no instance of that name is RUNNING
 * </pre>
 * Control answers reply 200 with the faults state (preempt and groups: as shown), 400
 * {"error":"..."} for a bad request (a group stockout or preemption of a group that does not
 * exist, a preemption of a STANDARD group, an unknown kind or model), 404 for an unknown route.
 *
 * <p>A stockout (of a zone, or of a group in all its zones) makes every creation, start and
 * recreation it covers wait for capacity: the instance is listed with its
 * {@code lastAttempt.errors.errors[{code,message}]}, {@code listErrors} gets an entry, and the
 * resize or start operation ends DONE with the error (HTTP 503 for a stockout, 403 for quota).
 * When it ends, the waiting instances boot. A RUNNING VM that a resize removes first drains for
 * {@link SimulatorConfig#drainTimeout()} (RUNNING, currentAction DELETING, health DRAINING), as
 * the backend service's connection draining holds it, then stops and goes; stopInstances never
 * drains. A preempted Spot VM is STOPPING for the stop time,
 * then recreated (currentAction RECREATING): started again from TERMINATED (termination action
 * STOP) or created afresh (DELETE), if the stockouts in force at that moment allow.
 */
public final class ComputeSimulator implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("compute-simulator");
  private final ComputeState state;
  private final Faults faults;
  private final CallCounter calls = new CallCounter();
  private final CallLog callLog = new CallLog();
  private final LoopbackServer server;

  private ComputeSimulator(SimulatorConfig config) throws IOException {
    this.state = new ComputeState(config);
    this.faults = new Faults(state);
    ComputeApi api = new ComputeApi(state, faults, calls, callLog, config);
    ControlApi control = new ControlApi(this);
    this.server = LoopbackServer.start(config.port(), exchange -> dispatch(exchange, api, control));
  }

  public static ComputeSimulator start(SimulatorConfig config) throws IOException {
    return new ComputeSimulator(config);
  }

  /** {@code http://127.0.0.1:PORT}, the value for the client's {@code setEndpoint}. */
  public String baseUrl() {
    return server.baseUrl();
  }

  public int port() {
    return server.port();
  }

  /** Registers an empty group of STANDARD VMs (targetSize 0); adding one that exists changes nothing. */
  public void addGroup(GroupRef ref) {
    addGroup(ref, Scheduling.STANDARD);
  }

  /**
   * Registers an empty group whose template has this scheduling: a SPOT group's VMs can be
   * preempted. Adding one that exists changes nothing.
   *
   * @return the group's scheduling (an existing group's own)
   */
  public Scheduling addGroup(GroupRef ref, Scheduling scheduling) {
    return state.addGroup(ref, scheduling);
  }

  /** True iff at least one of the group's instances is RUNNING and HEALTHY now. */
  public boolean serving(GroupRef ref) {
    return state.serving(ref);
  }

  /** The names of these groups' RUNNING, HEALTHY instances, in the groups' order, oldest first. */
  public List<String> servingInstances(List<GroupRef> refs) {
    return state.servingInstances(refs);
  }

  /**
   * These groups' instances as their load balancer sees them now: those that take new requests,
   * and those draining (being deleted with {@link SimulatorConfig#drainTimeout()}: the requests on
   * them go on, no new ones come), both read at the same moment.
   */
  public BackendInstances backendInstances(List<GroupRef> refs) {
    return state.backendInstances(refs);
  }

  /**
   * A VM writes a guest attribute, as through its metadata server (GCE does not check the value).
   * A write for a VM that is not RUNNING (unknown, booting, stopped, deleted) is dropped with a
   * log line.
   *
   * @return whether it was written
   */
  public boolean writeGuestAttribute(String instance, String namespace, String key, String value) {
    if (instance == null || namespace == null || key == null || value == null
        || namespace.isEmpty() || key.isEmpty() || namespace.contains("/") || key.contains("/")) {
      throw new IllegalArgumentException("instance, namespace, key and value are required; no '/' in a namespace or key");
    }
    boolean written = state.writeGuestAttribute(instance, new GuestAttribute(namespace, key, value));
    if (!written) {
      LOG.warning("stage report from unknown VM ignored: no RUNNING instance of that name",
          "instance", instance, "namespace", namespace, "key", key, "value", abbreviated(value));
    }
    return written;
  }

  private static String abbreviated(String value) {
    return value.length() <= 100 ? value : value.substring(0, 100) + "…";
  }

  /** Calls received so far, by API method id, e.g. {@code compute.zoneOperations.get}. */
  public Map<String, Long> calls() {
    return calls.snapshot();
  }

  /**
   * The calls received after {@code after} (every one kept when null), oldest first, each with
   * the time it arrived on the simulator's clock; the newest {@value CallLog#CAPACITY} are kept.
   */
  public List<ReceivedCall> callLog(Instant after) {
    return callLog.since(after);
  }

  /** Forgets the counts and the log. */
  public void resetCalls() {
    calls.reset();
    callLog.reset();
  }

  public Faults faults() {
    return faults;
  }

  @Override
  public void close() {
    server.close();
  }

  private static void dispatch(HttpExchange exchange, ComputeApi api, ControlApi control) throws IOException {
    try {
      if (exchange.getRequestURI().getRawPath().startsWith(ControlApi.PREFIX)) {
        control.handle(exchange);
      } else {
        api.handle(exchange);
      }
    } catch (IOException | RuntimeException e) {
      // A simulator bug must look like the API's own 500, never a dropped connection.
      try {
        ComputeApi.sendError(exchange, ApiError.internal());
      } catch (IOException | RuntimeException ignored) {
        exchange.close();
      }
    }
  }
}
