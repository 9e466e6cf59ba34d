package dev.snooze.functions.compute;

import dev.snooze.local.compute.GroupRef;
import java.util.List;

class RegionalComputeMigTest extends ComputeMigContract {
  @Override
  GroupRef group() {
    return GroupRef.regional(P, "us-central1", NAME, List.of("us-central1-a", "us-central1-b"));
  }

  @Override
  MigLocation location() {
    return new MigLocation.Region(P, "us-central1", NAME);
  }

  @Override
  String methods() {
    return "compute.regionInstanceGroupManagers.";
  }
}
