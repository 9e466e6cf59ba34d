package dev.snooze.cli.cost;

import dev.snooze.cli.cost.Deployment.Offer;
import dev.snooze.cli.cost.Deployment.SleepMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A deployment's bill at list prices: each month while nothing is awake, and each hour a GPU offer
 * is awake on top of that.
 *
 * @param asleep the parts billed all month, asleep or not
 * @param awake the hourly cost of each offer while awake, in the offers' order
 * @param stoppedDisksAtMax the month's stopped GPU disks if the group last slept at max_size (stop mode), else 0
 */
record Bill(Deployment deployment, PriceTable prices, List<Line> asleep, List<AwakeOffer> awake, double stoppedDisksAtMax) {

  /** One part of the bill: {@code quantity × unitPrice} a month. */
  record Line(String part, double unitPrice, String unit, double quantity, String quantityUnit, boolean unconfirmed) {
    double monthly() {
      return unitPrice * quantity;
    }
  }

  /**
   * One GPU VM of an offer for one hour: its machine, its GPUs (0 when the machine type's price
   * includes them), its disk (delete mode: it exists only while awake) and its share of Cloud NAT.
   */
  record AwakeOffer(Offer offer, double machine, double gpus, double disk, double nat) {
    double perVm() {
      return machine + gpus + disk + nat;
    }
  }

  double asleepTotal() {
    return asleep.stream().mapToDouble(Line::monthly).sum();
  }

  /** What {@code hours} awake a month on the first offer at desired_size add to the month. */
  double awakeHours(double hours) {
    return hours * awake.get(0).perVm() * deployment.desiredSize();
  }

  static Bill of(Deployment d, PriceTable prices) throws CostInputException {
    String region = d.region();
    int hours = prices.hoursPerMonth;
    List<Line> lines = new ArrayList<>();

    PriceTable.Machine frontend = prices.machine(region, d.frontendMachineType());
    lines.add(new Line("frontend VM " + d.frontendMachineType() + (d.frontendVms() == 1 ? "" : " × " + d.frontendVms()),
        frontend.onDemand(), "/h", (double) hours * d.frontendVms(), "h", false));
    lines.add(new Line("frontend boot disk, " + d.frontendDisk().gb() + " GB " + d.frontendDisk().type(),
        prices.disk(region, d.frontendDisk().type()), "/GB-month", (double) d.frontendDisk().gb() * d.frontendVms(),
        "GB-month", false));
    if (d.globalForwardingRules() > 0) {
      // One minimum charge covers a project's first 5 global rules; each one beyond adds its own.
      double hourly = prices.forwardingRulesFirstFive()
          + Math.max(0, d.globalForwardingRules() - 5) * prices.forwardingRulesAdditional();
      lines.add(new Line("external load balancer: " + d.globalForwardingRules() + " global forwarding rules "
          + "(https, http redirect)", hourly, "/h", hours, "h", false));
      lines.add(new Line("its reserved IP address, in use by those rules: no charge", 0, "/h", hours, "h", false));
    }
    if (d.internalLoadBalancers() > 0) {
      // Billed per Envoy proxy instance, not per forwarding rule: at least one while idle.
      lines.add(new Line("internal load balancer: 1 proxy instance while idle",
          prices.regional(region, "internalAlbProxyPerHour", "the internal load balancer's proxy instance"), "/h",
          (double) hours * d.internalLoadBalancers(), "h", prices.unconfirmed(region, "internalAlbProxyPerHour")));
    }
    double natPerVm = 0;
    if (d.natGateways() > 0) {
      natPerVm = prices.regional(region, "natPerVmHour", "a Cloud NAT VM-hour");
      lines.add(new Line("Cloud NAT gateway, used by the frontend VM" + (d.frontendVms() == 1 ? "" : "s"), natPerVm,
          "/VM-h", (double) hours * d.frontendVms(), "VM-h", prices.unconfirmed(region, "natPerVmHour")));
      lines.add(new Line("Cloud NAT's external IP address", prices.regional(region, "natIpPerHour",
          "a Cloud NAT external IP hour"), "/h", (double) hours * d.natGateways(), "h",
          prices.unconfirmed(region, "natIpPerHour")));
    }
    double gpuDiskPrice = prices.disk(region, d.gpuDisk().type());
    double stoppedAtMax = 0;
    if (d.sleepMode() == SleepMode.STOP) {
      lines.add(new Line("disks of the stopped GPU VMs: " + d.desiredSize() + " × " + d.gpuDisk().gb() + " GB "
          + d.gpuDisk().type(), gpuDiskPrice, "/GB-month", (double) d.desiredSize() * d.gpuDisk().gb(), "GB-month", false));
      stoppedAtMax = gpuDiskPrice * d.maxSize() * d.gpuDisk().gb();
    }

    List<AwakeOffer> awake = new ArrayList<>();
    for (Offer offer : d.offers()) {
      double diskHour = d.sleepMode() == SleepMode.DELETE ? gpuDiskPrice * d.gpuDisk().gb() / hours : 0;
      awake.add(new AwakeOffer(offer, machineHour(region, offer, prices), gpuHour(region, offer, prices), diskHour,
          natPerVm));
    }
    return new Bill(d, prices, List.copyOf(lines), List.copyOf(awake), stoppedAtMax);
  }

  private static double machineHour(String region, Offer offer, PriceTable prices) throws CostInputException {
    PriceTable.Machine machine = prices.machine(region, offer.machineType());
    if (!offer.spot()) {
      return machine.onDemand();
    }
    if (machine.spot() == null) {
      throw new CostInputException("no spot price for machine type " + offer.machineType() + " in region " + region
          + " in the price table (" + prices.describe() + "), which offer \"" + offer.name() + "\" needs; add spot under "
          + "regions." + region + ".machines." + offer.machineType() + " or pass --prices FILE with it");
    }
    return machine.spot();
  }

  private static double gpuHour(String region, Offer offer, PriceTable prices) throws CostInputException {
    Map<String, Integer> included = prices.machine(region, offer.machineType()).includedGpus();
    if (!included.isEmpty()) {
      // Accelerator-optimized types are priced with their GPUs: adding them again would bill twice.
      if (!Integer.valueOf(offer.gpuCount()).equals(included.get(offer.gpuType()))) {
        throw new CostInputException("offer \"" + offer.name() + "\" asks for " + offer.gpuCount() + " × "
            + offer.gpuType() + " on " + offer.machineType() + ", whose price in the price table includes "
            + included.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey())
                .collect(Collectors.joining(", "))
            + ": fix the offer's gpu_type and gpu_count, or the table's includedGpus");
      }
      return 0;
    }
    PriceTable.Gpu gpu = prices.gpu(region, offer.gpuType());
    if (offer.spot() && gpu.spot() == null) {
      throw new CostInputException("no spot price for GPU type " + offer.gpuType() + " in region " + region
          + " in the price table (" + prices.describe() + "), which offer \"" + offer.name() + "\" needs; add spot under "
          + "regions." + region + ".gpus." + offer.gpuType() + " or pass --prices FILE with it");
    }
    return offer.gpuCount() * (offer.spot() ? gpu.spot() : gpu.onDemand());
  }
}
