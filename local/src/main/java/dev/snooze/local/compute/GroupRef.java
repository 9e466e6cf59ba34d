package dev.snooze.local.compute;

import java.util.List;
import java.util.Objects;

/**
 * Names a managed instance group the way the API does: a zonal group lives in one zone, a
 * regional group in a region and spreads its instances over {@link #zones()}.
 */
public record GroupRef(String project, Scope scope, String location, String name, List<String> zones) {

  /** Where links in responses point; the real API's own host, not the simulator's. */
  static final String API_BASE = "https://www.googleapis.com/compute/v1/";

  public enum Scope {
    ZONAL("zones"),
    REGIONAL("regions");

    final String collection;

    Scope(String collection) {
      this.collection = collection;
    }
  }

  public GroupRef {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(name, "name");
    zones = List.copyOf(zones);
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("a group needs at least one zone");
    }
  }

  public static GroupRef zonal(String project, String zone, String name) {
    return new GroupRef(project, Scope.ZONAL, zone, name, List.of(zone));
  }

  public static GroupRef regional(String project, String region, String name, List<String> zones) {
    return new GroupRef(project, Scope.REGIONAL, region, name, zones);
  }

  /** {@code projects/P/zones/Z} or {@code projects/P/regions/R}. */
  public String locationPath() {
    return locationPath(project, scope, location);
  }

  /** The form the API uses in messages: {@code projects/P/zones/Z/instanceGroupManagers/N}. */
  public String resourcePath() {
    return locationPath() + "/instanceGroupManagers/" + name;
  }

  public String selfLink() {
    return API_BASE + resourcePath();
  }

  static String locationPath(String project, Scope scope, String location) {
    return "projects/" + project + "/" + scope.collection + "/" + location;
  }

  static String zonePath(String project, String zone) {
    return "projects/" + project + "/zones/" + zone;
  }
}
