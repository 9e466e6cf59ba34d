package dev.snooze.functions.compute;

import dev.snooze.config.GcpNames;
import java.util.Objects;

/**
 * Where the MIG lives: a zone (zonal MIG) or a region (regional MIG). The two use different
 * clients and URL shapes, so the choice is made once, here, from configuration.
 */
public sealed interface MigLocation {

  String project();

  /** The MIG's name. */
  String name();

  /** {@code projects/P/zones/Z} or {@code projects/P/regions/R}. */
  String locationPath();

  /** The settings a user fixes when this location is wrong. */
  String settingNames();

  /** {@code projects/P/zones/Z/instanceGroupManagers/NAME}, as the API names the resource. */
  default String path() {
    return locationPath() + "/instanceGroupManagers/" + name();
  }

  /**
   * A zonal MIG when {@code zone} is set (SNOOZE_ZONE), else a regional one in {@code region}
   * (SNOOZE_REGION): the configuration's own rule.
   */
  static MigLocation of(String project, String zone, String region, String name) {
    return zone == null || zone.isBlank()
        ? new Region(project, region, name)
        : new Zone(project, zone, name);
  }

  record Zone(String project, String zone, String name) implements MigLocation {
    public Zone {
      require(project, "project");
      require(name, "name");
      if (zone == null || !GcpNames.ZONE.matcher(zone).matches()) {
        throw new IllegalArgumentException("SNOOZE_ZONE=" + zone + " is not " + GcpNames.ZONE_EXPECTED);
      }
    }

    @Override
    public String locationPath() {
      return "projects/" + project + "/zones/" + zone;
    }

    @Override
    public String settingNames() {
      return "SNOOZE_PROJECT, SNOOZE_MIG / SNOOZE_ZONE";
    }
  }

  record Region(String project, String region, String name) implements MigLocation {
    public Region {
      require(project, "project");
      require(name, "name");
      if (region == null || !GcpNames.REGION.matcher(region).matches()) {
        throw new IllegalArgumentException("SNOOZE_REGION=" + region + " is not " + GcpNames.REGION_EXPECTED);
      }
    }

    @Override
    public String locationPath() {
      return "projects/" + project + "/regions/" + region;
    }

    @Override
    public String settingNames() {
      return "SNOOZE_PROJECT, SNOOZE_MIG / SNOOZE_REGION";
    }
  }

  private static void require(String value, String what) {
    if (Objects.requireNonNullElse(value, "").isBlank()) {
      throw new IllegalArgumentException("the MIG's " + what + " is required");
    }
  }
}
