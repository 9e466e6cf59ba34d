package dev.snooze.functions.compute;

import dev.snooze.local.compute.GroupRef;

class ZonalComputeMigTest extends ComputeMigContract {
  @Override
  GroupRef group() {
    return GroupRef.zonal(P, "us-central1-a", NAME);
  }

  @Override
  MigLocation location() {
    return new MigLocation.Zone(P, "us-central1-a", NAME);
  }

  @Override
  String methods() {
    return "compute.instanceGroupManagers.";
  }
}
