package dev.snooze.functions.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MigLocationTest {
  @Test
  void aZoneMakesAZonalMigElseTheRegionARegionalOne() {
    assertThat(MigLocation.of("p", "us-central1-a", "us-central1", "gpu"))
        .isEqualTo(new MigLocation.Zone("p", "us-central1-a", "gpu"))
        .extracting(MigLocation::path).isEqualTo("projects/p/zones/us-central1-a/instanceGroupManagers/gpu");
    assertThat(MigLocation.of("p", "", "europe-west4", "gpu"))
        .isEqualTo(new MigLocation.Region("p", "europe-west4", "gpu"))
        .extracting(MigLocation::path).isEqualTo("projects/p/regions/europe-west4/instanceGroupManagers/gpu");
  }

  @Test
  void aZoneAndARegionAreNotMixedUp() {
    assertThatThrownBy(() -> new MigLocation.Zone("p", "us-central1", "gpu"))
        .hasMessageContaining("SNOOZE_ZONE=us-central1 is not a zone");
    assertThatThrownBy(() -> new MigLocation.Region("p", "us-central1-a", "gpu"))
        .hasMessageContaining("SNOOZE_REGION=us-central1-a is not a region");
    assertThatThrownBy(() -> new MigLocation.Region("p", "us-central1", " "))
        .hasMessageContaining("name is required");
  }

  @Test
  void requestIdsAreUuidsPerCallStableAcrossRetries() {
    String resize = ComputeMig.key("message-1", "wake/resize");
    assertThat(resize).matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
        .isEqualTo(ComputeMig.key("message-1", "wake/resize"))
        .isNotEqualTo(ComputeMig.key("message-1", "wake/start"))
        .isNotEqualTo(ComputeMig.key("message-2", "wake/resize"));
    assertThat(ComputeMig.key(null, "wake/resize")).isNull();
  }

  @Test
  void theZoneIsReadFromTheInstanceUrl() {
    assertThat(ComputeMig.zoneOf("https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-b/instances/x"))
        .isEqualTo("us-central1-b");
    assertThat(ComputeMig.zoneOf("x")).isEmpty();
  }
}
