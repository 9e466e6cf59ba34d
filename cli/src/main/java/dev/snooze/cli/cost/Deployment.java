package dev.snooze.cli.cost;

import java.util.List;

/**
 * What a Snooze deployment is made of, as far as its bill goes: read from the Terraform (its
 * variables' defaults overlaid by a tfvars file, and the modules' own resources) by
 * {@link TerraformReader}.
 *
 * @param sources where the settings came from, for the report's first line
 * @param globalForwardingRules the external load balancer's forwarding rules (https and the http redirect)
 * @param internalLoadBalancers regional internal Application Load Balancers (the GPU backend's)
 * @param natGateways Cloud NAT gateways
 */
record Deployment(
    String sources,
    String region,
    List<Offer> offers,
    SleepMode sleepMode,
    int desiredSize,
    int maxSize,
    String frontendMachineType,
    int frontendVms,
    Disk frontendDisk,
    Disk gpuDisk,
    int globalForwardingRules,
    int internalLoadBalancers,
    int natGateways) {

  enum SleepMode {
    DELETE, STOP
  }

  /** One of {@code gpu_offers}: a MIG of {@code machineType} with {@code gpuCount × gpuType}. */
  record Offer(String name, String machineType, String gpuType, int gpuCount, boolean spot) {
    String describe() {
      return machineType + " + " + gpuCount + " × " + gpuType + (spot ? ", spot" : ", on-demand");
    }
  }

  record Disk(String type, int gb) {}
}
