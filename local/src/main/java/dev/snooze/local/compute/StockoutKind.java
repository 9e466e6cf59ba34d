package dev.snooze.local.compute;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Why Compute could not give a group a VM, with the error code and message shape Compute uses:
 * no hardware in the zone (with or without a hint at other zones), or the project's GPU quota.
 * Whatever the kind, the group keeps the instance and retries until the stockout ends, as a real
 * MIG does.
 */
public enum StockoutKind {
  /** The zone has no hardware for the VM. */
  ZONE_RESOURCE_POOL_EXHAUSTED,
  /** The same, naming the zones of the region that still have capacity. */
  ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS,
  /** The project's regional GPU quota (PREEMPTIBLE_ for Spot VMs) is used up. */
  QUOTA_EXCEEDED;

  /** The GPU the simulated groups' templates attach; it names the quota metric. */
  static final String GPU_QUOTA = "NVIDIA_L4_GPUS";

  public String code() {
    return name();
  }

  /** Parses a control route's {@code "kind"}; null means the default, ZONE_RESOURCE_POOL_EXHAUSTED. */
  static StockoutKind parse(String raw) {
    if (raw == null) {
      return ZONE_RESOURCE_POOL_EXHAUSTED;
    }
    try {
      return valueOf(raw.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'kind' must be one of " + Arrays.stream(values())
          .map(Enum::name).collect(Collectors.joining(", ")) + ", got '" + raw + "'");
    }
  }

  /**
   * The error an instance of a group meets in {@code zone}.
   *
   * @param zonesWithCapacity other zones of the region where the group would get a VM now,
   *     named by the WITH_DETAILS message
   * @param spot the group's VMs are Spot VMs, which count against the PREEMPTIBLE_ quota
   */
  CapacityError error(String project, String zone, List<String> zonesWithCapacity, boolean spot) {
    return switch (this) {
      case ZONE_RESOURCE_POOL_EXHAUSTED -> new CapacityError(this,
          "The zone '" + GroupRef.zonePath(project, zone) + "' does not have enough resources available to"
              + " fulfill the request.  Try a different zone, or try again later.", null, null);
      case ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS -> new CapacityError(this,
          "A VM instance is currently unavailable in the " + zone + " zone. " + (zonesWithCapacity.isEmpty()
              ? "Capacity changes frequently, so try your request in a different zone, with a different VM"
                  + " hardware configuration, or at a later time. For more options, see troubleshooting documentation."
              : "Consider trying your request in the " + String.join(", ", zonesWithCapacity) + " zone(s), which"
                  + " currently has capacity to accommodate your request. Alternatively, you can try your request"
                  + " again with a different VM hardware configuration or at a later time. For more information,"
                  + " see the troubleshooting documentation."), null, null);
      case QUOTA_EXCEEDED -> {
        String metric = (spot ? "PREEMPTIBLE_" : "") + GPU_QUOTA;
        String region = regionOf(zone);
        yield new CapacityError(this, "Quota '" + metric + "' exceeded.  Limit: 0.0 in region " + region + ".",
            metric, region);
      }
    };
  }

  /** Quota is a refusal (403); a stockout is the service's own shortage (503). */
  int httpStatus() {
    return this == QUOTA_EXCEEDED ? 403 : 503;
  }

  String httpMessage() {
    return this == QUOTA_EXCEEDED ? "FORBIDDEN" : "SERVICE UNAVAILABLE";
  }

  static String regionOf(String zone) {
    int dash = zone.lastIndexOf('-');
    return dash < 0 ? zone : zone.substring(0, dash);
  }
}
