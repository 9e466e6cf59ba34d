package dev.snooze.local.compute;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceGroupManagersSettings;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersSettings;
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.RegionOperationsSettings;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/** The real client library, pointed at the simulator, polling operations every 10 ms. */
public final class Clients {
  private Clients() {}

  public static OperationTimedPollAlgorithm fastPolling() {
    return OperationTimedPollAlgorithm.create(RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(Duration.ofMillis(10))
        .setRetryDelayMultiplier(1.0)
        .setMaxRetryDelayDuration(Duration.ofMillis(10))
        .setInitialRpcTimeoutDuration(Duration.ZERO)
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(Duration.ZERO)
        .setTotalTimeoutDuration(Duration.ofSeconds(10))
        .build());
  }

  /** {@code retries=false} turns off the library's retry of UNAVAILABLE, to see injected faults. */
  public static InstanceGroupManagersClient zonal(ComputeSimulator sim, boolean retries) throws IOException {
    InstanceGroupManagersSettings.Builder b = InstanceGroupManagersSettings.newBuilder()
        .setEndpoint(sim.baseUrl())
        .setCredentialsProvider(NoCredentialsProvider.create());
    b.resizeOperationSettings().setPollingAlgorithm(fastPolling());
    b.stopInstancesOperationSettings().setPollingAlgorithm(fastPolling());
    b.startInstancesOperationSettings().setPollingAlgorithm(fastPolling());
    if (!retries) {
      b.getSettings().setRetryableCodes(Set.of());
      b.listSettings().setRetryableCodes(Set.of());
    }
    return InstanceGroupManagersClient.create(b.build());
  }

  public static RegionInstanceGroupManagersClient regional(ComputeSimulator sim) throws IOException {
    RegionInstanceGroupManagersSettings.Builder b = RegionInstanceGroupManagersSettings.newBuilder()
        .setEndpoint(sim.baseUrl())
        .setCredentialsProvider(NoCredentialsProvider.create());
    b.resizeOperationSettings().setPollingAlgorithm(fastPolling());
    b.stopInstancesOperationSettings().setPollingAlgorithm(fastPolling());
    b.startInstancesOperationSettings().setPollingAlgorithm(fastPolling());
    return RegionInstanceGroupManagersClient.create(b.build());
  }

  public static ZoneOperationsClient zoneOperations(ComputeSimulator sim) throws IOException {
    return ZoneOperationsClient.create(ZoneOperationsSettings.newBuilder()
        .setEndpoint(sim.baseUrl())
        .setCredentialsProvider(NoCredentialsProvider.create())
        .build());
  }

  public static RegionOperationsClient regionOperations(ComputeSimulator sim) throws IOException {
    return RegionOperationsClient.create(RegionOperationsSettings.newBuilder()
        .setEndpoint(sim.baseUrl())
        .setCredentialsProvider(NoCredentialsProvider.create())
        .build());
  }

  /** The instances client, as Status reads a VM's guest attributes with it. */
  public static InstancesClient instances(ComputeSimulator sim) throws IOException {
    return InstancesClient.create(InstancesSettings.newBuilder()
        .setEndpoint(sim.baseUrl())
        .setCredentialsProvider(NoCredentialsProvider.create())
        .build());
  }
}
