package dev.snooze.functions.compute;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.compute.v1.GuestAttributes;
import com.google.cloud.compute.v1.GuestAttributesEntry;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceManagedByIgmError;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import dev.snooze.boot.BootStage;
import dev.snooze.functions.boot.BootReport;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@link Mig} over the real google-cloud-compute client of a zonal or a regional MIG
 * ({@link MigApi}). Every operation is awaited for at most {@link Options#operationTimeout()};
 * failures are classified by {@link ComputeFailures}. Close it to release the client's threads
 * and connections.
 */
public final class ComputeMig implements Mig, AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("compute");
  /**
   * Sleep must stop instances that are still being created or verified too; without force the
   * MIG would let them finish initializing first, billing a GPU for nothing.
   */
  static final boolean FORCE_STOP = true;

  private final MigApi api;
  private final MigLocation location;
  private final Options options;
  private final Set<String> said = new HashSet<>();

  /**
   * @param operationTimeout the longest one call or operation is awaited (reads included: it caps
   *     the library's own retries of a GET)
   * @param polling how a pending operation is polled; its total timeout is another bound
   */
  public record Options(Duration operationTimeout, RetrySettings polling) {
    public Options {
      if (operationTimeout == null || operationTimeout.isNegative() || operationTimeout.isZero()) {
        throw new IllegalArgumentException("operationTimeout must be positive");
      }
      Objects.requireNonNull(polling, "polling");
    }

    /**
     * 60 s per operation; polls after 1 s, then 1.5x up to every 5 s: a resize is usually DONE
     * within seconds (the MIG creates the VMs afterwards), so the first poll comes early.
     */
    public static Options defaults() {
      Duration timeout = Duration.ofSeconds(60);
      return new Options(timeout, polling(Duration.ofSeconds(1), 1.5, Duration.ofSeconds(5), timeout));
    }

    /** Poll settings as {@link OperationTimedPollAlgorithm} reads them: delays and a total timeout. */
    public static RetrySettings polling(Duration initial, double multiplier, Duration max, Duration total) {
      return RetrySettings.newBuilder()
          .setInitialRetryDelayDuration(initial)
          .setRetryDelayMultiplier(multiplier)
          .setMaxRetryDelayDuration(max)
          .setInitialRpcTimeoutDuration(Duration.ZERO)
          .setRpcTimeoutMultiplier(1.0)
          .setMaxRpcTimeoutDuration(Duration.ZERO)
          .setTotalTimeoutDuration(total)
          .build();
    }

    public Options withOperationTimeout(Duration value) {
      return new Options(value, polling);
    }

    public Options withPolling(RetrySettings value) {
      return new Options(operationTimeout, value);
    }
  }

  ComputeMig(MigApi api, MigLocation location, Options options) {
    this.api = api;
    this.location = location;
    this.options = options;
  }

  /** The real Compute Engine API with Application Default Credentials and default options. */
  public static ComputeMig create(MigLocation location) {
    return create(location, null, Options.defaults());
  }

  /**
   * @param endpoint null or empty: the real API with Application Default Credentials; an
   *     {@code http://} URL (the local simulator): that endpoint without credentials; any other
   *     URL: that endpoint with Application Default Credentials
   */
  public static ComputeMig create(MigLocation location, String endpoint, Options options) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(options, "options");
    try {
      return new ComputeMig(MigApi.open(location, endpoint, options), location, options);
    } catch (IOException e) {
      // What the client throws when it cannot load credentials: a deployment problem.
      throw new PermanentComputeException("UNAUTHENTICATED",
          "Cannot create the Compute Engine client for MIG " + location.path()
              + ": no usable Application Default Credentials (" + e.getMessage() + ")", e);
    }
  }

  public MigLocation location() {
    return location;
  }

  @Override
  public MigView observe() {
    InstanceGroupManager mig = read("read", api::get);
    List<MigView.Instance> instances = read("list the instances of", api::listManagedInstances).stream()
        .map(ComputeMig::instance)
        .map(i -> "RUNNING".equals(i.status()) ? i.withBoot(bootStages(i)) : i)
        .toList();
    boolean stable = mig.getStatus().getIsStable();
    long serving = instances.stream().filter(MigView.Instance::serving).count();
    MigView.MigError lastError = null;
    // listErrors is history: worth a call only while the MIG is short of what it aims for.
    if (!stable || mig.getTargetSize() > serving) {
      lastError = read("list the errors of", api::listErrors).stream()
          .map(ComputeMig::error)
          .max(Comparator.comparing(MigView.MigError::at))
          .orElse(null);
    }
    return new MigView(mig.getTargetSize(), mig.getTargetStoppedSize(), stable, instances, lastError);
  }

  /**
   * The stages the VM reported, read only from a running VM (before that it reports nothing). A
   * read that fails leaves the VM with no report, so Status and the checks go by its health, as
   * for a VM that reports no stages: a missing permission must not keep the GPU from serving.
   */
  private BootReport bootStages(MigView.Instance instance) {
    GuestAttributes attributes;
    try {
      attributes = api.getGuestAttributes(instance.zone(), instance.name(), BootStage.NAMESPACE + "/");
    } catch (NotFoundException e) {
      return BootReport.NONE; // nothing written yet
    } catch (RuntimeException e) {
      sayOnce("guest-attributes:" + e.getClass().getName(), () -> LOG.warning(
          "cannot read the boot stages of " + instance.name() + ": going by its health alone",
          "mig", location.path(), "instance", instance.name(), "error", String.valueOf(e.getMessage())));
      return BootReport.NONE;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (GuestAttributesEntry entry : attributes.getQueryValue().getItemsList()) {
      if (BootStage.NAMESPACE.equals(entry.getNamespace())) {
        values.put(entry.getKey(), entry.getValue());
      }
    }
    BootReport report = BootReport.read(values);
    for (String problem : report.problems()) {
      sayOnce(instance.name() + ":" + problem, () -> LOG.warning("boot stage report ignored: " + problem,
          "mig", location.path(), "instance", instance.name()));
    }
    return report;
  }

  /** Status is polled every second or so: a problem that persists is logged once per instance, not per poll. */
  private void sayOnce(String key, Runnable log) {
    synchronized (said) {
      if (said.size() > 1000) {
        said.clear();
      }
      if (!said.add(key)) {
        return;
      }
    }
    log.run();
  }

  @Override
  public MigView.MigError wake(int desiredSize, SleepMode mode, String requestId) {
    if (desiredSize < 1) {
      throw new IllegalArgumentException("desiredSize must be at least 1: " + desiredSize);
    }
    InstanceGroupManager mig = read("read", api::get);
    int target = mig.getTargetSize();
    MigView.MigError error = null;
    if (mode == SleepMode.STOP && target < desiredSize) {
      // Starting keeps the disks with the pulled image and model: faster than creating.
      List<String> stopped = read("list the instances of", api::listManagedInstances).stream()
          .filter(ComputeMig::stopped)
          .map(ManagedInstance::getInstance)
          .limit(desiredSize - target)
          .toList();
      if (!stopped.isEmpty()) {
        error = await(api.startInstances(stopped, key(requestId, location.path() + "/wake/start")),
            "start " + stopped.size() + " stopped instance(s)", true);
        // startInstances moves them from targetStoppedSize to targetSize.
        target += stopped.size();
      }
    }
    if (target < desiredSize) {
      MigView.MigError resized = await(api.resize(desiredSize, key(requestId, location.path() + "/wake/resize")),
          "resize to " + desiredSize, true);
      error = error != null ? error : resized;
    }
    return error;
  }

  @Override
  public void scaleIn(int size, String requestId) {
    if (size < 1) {
      throw new IllegalArgumentException("a scale-in keeps at least 1 VM (a sleep takes it to 0): " + size);
    }
    InstanceGroupManager mig = read("read", api::get);
    if (mig.getTargetSize() > size) {
      await(api.resize(size, key(requestId, location.path() + "/scale-in/resize")), "resize to " + size, false);
    }
  }

  @Override
  public void sleep(SleepMode mode, String requestId) {
    InstanceGroupManager mig = read("read", api::get);
    int target = mig.getTargetSize();
    if (mode == SleepMode.STOP) {
      List<String> running = read("list the instances of", api::listManagedInstances).stream()
          .filter(i -> !stopped(i) && !"DELETING".equals(i.getCurrentAction()))
          .map(ManagedInstance::getInstance)
          .toList();
      if (!running.isEmpty()) {
        await(api.stopInstances(running, key(requestId, location.path() + "/sleep/stop")),
            "stop " + running.size() + " instance(s)", false);
        target -= running.size();
      }
    }
    // DELETE mode, or STOP mode with a target the MIG has not created instances for yet.
    if (target > 0) {
      await(api.resize(0, key(requestId, location.path() + "/sleep/resize")), "resize to 0", false);
    }
  }

  @Override
  public void close() {
    api.close();
  }

  /**
   * The API wants a UUID, and one wake may make two mutating calls, one action may reach several
   * offers' MIGs, and none may share a key (the second would get the first's operation back):
   * derive one per call and MIG, stable for retries.
   */
  static String key(String requestId, String call) {
    if (requestId == null || requestId.isBlank()) {
      return null;
    }
    return UUID.nameUUIDFromBytes((call + "|" + requestId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Stopped or being stopped by the MIG (not being deleted). */
  private static boolean stopped(ManagedInstance i) {
    return "TERMINATED".equals(i.getInstanceStatus()) || "STOPPING".equals(i.getCurrentAction());
  }

  private <T> T read(String action, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw ComputeFailures.classify(e, action, location, options.operationTimeout());
    }
  }

  /**
   * Waits for the operation. One that is DONE with an error (a stockout, a quota) was accepted:
   * the MIG keeps trying, so with {@code errorIsResult} that error is returned, not thrown.
   */
  private MigView.MigError await(OperationFuture<Operation, Operation> future, String action, boolean errorIsResult) {
    Operation done;
    try {
      done = future.get(options.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Operation failed = finishedWithError(future);
      if (failed != null && errorIsResult) {
        return operationError(failed);
      }
      throw ComputeFailures.classify(e, action, location, options.operationTimeout());
    } catch (TimeoutException | InterruptedException e) {
      future.cancel(true);
      throw ComputeFailures.classify(e, action, location, options.operationTimeout());
    } catch (RuntimeException e) {
      throw ComputeFailures.classify(e, action, location, options.operationTimeout());
    }
    if (done.hasError() && done.getError().getErrorsCount() > 0) {
      // The library fails an operation on httpErrorStatusCode; one without it still has errors.
      if (errorIsResult) {
        return operationError(done);
      }
      throw new TransientComputeException(action + " on MIG " + location.path() + " ended with "
          + operationError(done).code() + ": " + operationError(done).message(), null);
    }
    return null;
  }

  /** The operation as last polled, when it is DONE with errors; null when the call itself failed. */
  private static Operation finishedWithError(OperationFuture<Operation, Operation> future) {
    try {
      var metadata = future.peekMetadata();
      if (metadata == null || !metadata.isDone()) {
        return null;
      }
      Operation op = metadata.get();
      return op != null && op.getStatus() == Operation.Status.DONE && op.getError().getErrorsCount() > 0 ? op : null;
    } catch (ExecutionException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static MigView.MigError operationError(Operation op) {
    var first = op.getError().getErrors(0);
    return new MigView.MigError(first.getCode(), first.getMessage(), time(op.getEndTime()));
  }

  private static MigView.Instance instance(ManagedInstance i) {
    String health = i.getInstanceHealthCount() > 0 ? i.getInstanceHealth(0).getDetailedHealthState() : "";
    MigView.MigError lastAttempt = null;
    if (i.hasLastAttempt() && i.getLastAttempt().getErrors().getErrorsCount() > 0) {
      var first = i.getLastAttempt().getErrors().getErrors(0);
      lastAttempt = new MigView.MigError(first.getCode(), first.getMessage(), null);
    }
    return new MigView.Instance(i.getName(), zoneOf(i.getInstance()), i.getInstanceStatus(), health,
        i.getCurrentAction(), lastAttempt);
  }

  private static MigView.MigError error(InstanceManagedByIgmError e) {
    return new MigView.MigError(e.getError().getCode(), e.getError().getMessage(), time(e.getTimestamp()));
  }

  /** {@code .../zones/ZONE/instances/NAME} → ZONE; "" when the URL has no zone. */
  static String zoneOf(String instanceUrl) {
    int at = instanceUrl.indexOf("/zones/");
    if (at < 0) {
      return "";
    }
    int from = at + "/zones/".length();
    int to = instanceUrl.indexOf('/', from);
    return to < 0 ? instanceUrl.substring(from) : instanceUrl.substring(from, to);
  }

  /** RFC 3339 with an offset, as Compute writes it; an unreadable time sorts as the oldest. */
  private static Instant time(String rfc3339) {
    try {
      return OffsetDateTime.parse(rfc3339).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
