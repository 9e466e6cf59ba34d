package dev.snooze.functions.compute;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.OperationCallSettings;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.cloud.compute.v1.GetGuestAttributesInstanceRequest;
import com.google.cloud.compute.v1.GuestAttributes;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceGroupManagersSettings;
import com.google.cloud.compute.v1.InstanceGroupManagersStartInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.InstanceManagedByIgmError;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersSettings;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersStartInstancesRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.ResizeInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.ResizeRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.StartInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.StartInstancesRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.StopInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.StopInstancesRegionInstanceGroupManagerRequest;
import java.io.IOException;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * The calls {@link ComputeMig} makes, over the zonal or the regional client: the two are built
 * from different settings classes and expose the same methods with different request classes,
 * and this is the only place that knows it. {@code requestId} may be null (no idempotency key).
 */
sealed interface MigApi extends AutoCloseable {

  /**
   * The client for the MIG at {@code location}, zonal or regional, with every call bounded as
   * {@code options} say.
   *
   * @param endpoint as {@link ComputeMig#create(MigLocation, String, ComputeMig.Options)} takes it
   * @throws IOException when the client cannot load credentials
   */
  static MigApi open(MigLocation location, String endpoint, ComputeMig.Options options) throws IOException {
    // Instances are zonal in either kind of MIG: their boot stages are read through this client.
    InstancesSettings.Builder vms = InstancesSettings.newBuilder();
    tune(vms, endpoint, options, List.of(vms.getGuestAttributesSettings()), List.of());
    InstancesClient instances = InstancesClient.create(vms.build());
    try {
      if (location instanceof MigLocation.Zone zone) {
        InstanceGroupManagersSettings.Builder b = InstanceGroupManagersSettings.newBuilder();
        tune(b, endpoint, options,
            List.of(b.getSettings(), b.listManagedInstancesSettings(), b.listErrorsSettings()),
            List.of(b.resizeOperationSettings(), b.stopInstancesOperationSettings(), b.startInstancesOperationSettings()));
        return new Zonal(InstanceGroupManagersClient.create(b.build()), instances, zone);
      }
      MigLocation.Region region = (MigLocation.Region) location;
      RegionInstanceGroupManagersSettings.Builder b = RegionInstanceGroupManagersSettings.newBuilder();
      tune(b, endpoint, options,
          List.of(b.getSettings(), b.listManagedInstancesSettings(), b.listErrorsSettings()),
          List.of(b.resizeOperationSettings(), b.stopInstancesOperationSettings(), b.startInstancesOperationSettings()));
      return new Regional(RegionInstanceGroupManagersClient.create(b.build()), instances, region);
    } catch (IOException | RuntimeException e) {
      instances.close();
      throw e;
    }
  }

  /** What both clients' settings get: the endpoint, the bound on reads, the polling of operations. */
  private static void tune(ClientSettings.Builder<?, ?> settings, String endpoint, ComputeMig.Options options,
      List<UnaryCallSettings.Builder<?, ?>> reads, List<OperationCallSettings.Builder<?, ?, ?>> operations) {
    if (endpoint != null && !endpoint.isBlank()) {
      settings.setEndpoint(endpoint);
      // Without the scheme the client would speak TLS to a plain-HTTP server and hang.
      if (endpoint.startsWith("http://")) {
        settings.setCredentialsProvider(NoCredentialsProvider.create());
      }
    }
    // The library retries a failing GET for up to 10 minutes by default: longer than a function runs.
    for (UnaryCallSettings.Builder<?, ?> read : reads) {
      read.setRetrySettings(read.getRetrySettings().toBuilder()
          .setTotalTimeoutDuration(options.operationTimeout()).build());
    }
    OperationTimedPollAlgorithm polling = OperationTimedPollAlgorithm.create(options.polling());
    for (OperationCallSettings.Builder<?, ?, ?> operation : operations) {
      operation.setPollingAlgorithm(polling);
    }
  }

  InstanceGroupManager get();

  List<ManagedInstance> listManagedInstances();

  List<InstanceManagedByIgmError> listErrors();

  OperationFuture<Operation, Operation> resize(int size, String requestId);

  /** Instances as URLs, as {@link ManagedInstance#getInstance()} gives them. */
  OperationFuture<Operation, Operation> stopInstances(List<String> instances, String requestId);

  OperationFuture<Operation, Operation> startInstances(List<String> instances, String requestId);

  /**
   * The guest attributes an instance of this MIG wrote under {@code queryPath} (e.g. {@code
   * snooze/}); Compute answers 404 when there are none.
   */
  GuestAttributes getGuestAttributes(String zone, String instance, String queryPath);

  @Override
  void close();

  private static GuestAttributes guestAttributes(InstancesClient instances, String project, String zone,
      String instance, String queryPath) {
    return instances.getGuestAttributes(GetGuestAttributesInstanceRequest.newBuilder()
        .setProject(project).setZone(zone).setInstance(instance).setQueryPath(queryPath).build());
  }

  private static <T> List<T> all(Iterable<T> pages) {
    return StreamSupport.stream(pages.spliterator(), false).toList();
  }

  record Zonal(InstanceGroupManagersClient client, InstancesClient instances, MigLocation.Zone at) implements MigApi {
    @Override
    public GuestAttributes getGuestAttributes(String zone, String instance, String queryPath) {
      return guestAttributes(instances, at.project(), zone, instance, queryPath);
    }

    @Override
    public InstanceGroupManager get() {
      return client.get(at.project(), at.zone(), at.name());
    }

    @Override
    public List<ManagedInstance> listManagedInstances() {
      return all(client.listManagedInstances(at.project(), at.zone(), at.name()).iterateAll());
    }

    @Override
    public List<InstanceManagedByIgmError> listErrors() {
      return all(client.listErrors(at.project(), at.zone(), at.name()).iterateAll());
    }

    @Override
    public OperationFuture<Operation, Operation> resize(int size, String requestId) {
      ResizeInstanceGroupManagerRequest.Builder b = ResizeInstanceGroupManagerRequest.newBuilder()
          .setProject(at.project()).setZone(at.zone()).setInstanceGroupManager(at.name()).setSize(size);
      if (requestId != null) {
        b.setRequestId(requestId);
      }
      return client.resizeAsync(b.build());
    }

    @Override
    public OperationFuture<Operation, Operation> stopInstances(List<String> instances, String requestId) {
      StopInstancesInstanceGroupManagerRequest.Builder b = StopInstancesInstanceGroupManagerRequest.newBuilder()
          .setProject(at.project()).setZone(at.zone()).setInstanceGroupManager(at.name())
          .setInstanceGroupManagersStopInstancesRequestResource(InstanceGroupManagersStopInstancesRequest.newBuilder()
              .addAllInstances(instances).setForceStop(ComputeMig.FORCE_STOP));
      if (requestId != null) {
        b.setRequestId(requestId);
      }
      return client.stopInstancesAsync(b.build());
    }

    @Override
    public OperationFuture<Operation, Operation> startInstances(List<String> instances, String requestId) {
      StartInstancesInstanceGroupManagerRequest.Builder b = StartInstancesInstanceGroupManagerRequest.newBuilder()
          .setProject(at.project()).setZone(at.zone()).setInstanceGroupManager(at.name())
          .setInstanceGroupManagersStartInstancesRequestResource(
              InstanceGroupManagersStartInstancesRequest.newBuilder().addAllInstances(instances));
      if (requestId != null) {
        b.setRequestId(requestId);
      }
      return client.startInstancesAsync(b.build());
    }

    @Override
    public void close() {
      client.close();
      instances.close();
    }
  }

  record Regional(RegionInstanceGroupManagersClient client, InstancesClient instances, MigLocation.Region at)
      implements MigApi {
    @Override
    public GuestAttributes getGuestAttributes(String zone, String instance, String queryPath) {
      return guestAttributes(instances, at.project(), zone, instance, queryPath);
    }

    @Override
    public InstanceGroupManager get() {
      return client.get(at.project(), at.region(), at.name());
    }

    @Override
    public List<ManagedInstance> listManagedInstances() {
      return all(client.listManagedInstances(at.project(), at.region(), at.name()).iterateAll());
    }

    @Override
    public List<InstanceManagedByIgmError> listErrors() {
      return all(client.listErrors(at.project(), at.region(), at.name()).iterateAll());
    }

    @Override
    public OperationFuture<Operation, Operation> resize(int size, String requestId) {
      ResizeRegionInstanceGroupManagerRequest.Builder b = ResizeRegionInstanceGroupManagerRequest.newBuilder()
          .setProject(at.project()).setRegion(at.region()).setInstanceGroupManager(at.name()).setSize(size);
      if (requestId != null) {
        b.setRequestId(requestId);
      }
      return client.resizeAsync(b.build());
    }

    @Override
    public OperationFuture<Operation, Operation> stopInstances(List<String> instances, String requestId) {
      StopInstancesRegionInstanceGroupManagerRequest.Builder b = StopInstancesRegionInstanceGroupManagerRequest
          .newBuilder()
          .setProject(at.project()).setRegion(at.region()).setInstanceGroupManager(at.name())
          .setRegionInstanceGroupManagersStopInstancesRequestResource(
              RegionInstanceGroupManagersStopInstancesRequest.newBuilder()
                  .addAllInstances(instances).setForceStop(ComputeMig.FORCE_STOP));
      if (requestId != null) {
        b.setRequestId(requestId);
      }
      return client.stopInstancesAsync(b.build());
    }

    @Override
    public OperationFuture<Operation, Operation> startInstances(List<String> instances, String requestId) {
      StartInstancesRegionInstanceGroupManagerRequest.Builder b = StartInstancesRegionInstanceGroupManagerRequest
          .newBuilder()
          .setProject(at.project()).setRegion(at.region()).setInstanceGroupManager(at.name())
          .setRegionInstanceGroupManagersStartInstancesRequestResource(
              RegionInstanceGroupManagersStartInstancesRequest.newBuilder().addAllInstances(instances));
      if (requestId != null) {
        b.setRequestId(requestId);
      }
      return client.startInstancesAsync(b.build());
    }

    @Override
    public void close() {
      client.close();
      instances.close();
    }
  }
}
