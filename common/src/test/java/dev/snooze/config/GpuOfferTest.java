package dev.snooze.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.snooze.config.GpuOffer.ProvisioningModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuOfferTest {

  @Test
  void readsOffersInOrderWithTheirLocationAndModel() {
    List<GpuOffer> offers = GpuOffer.parseList(
        "gpu-l4-spot@us-central1:SPOT, gpu-l4@us-central1:standard,gpu-t4@us-central1-b");

    assertEquals(List.of(
        new GpuOffer("gpu-l4-spot", "us-central1", ProvisioningModel.SPOT),
        new GpuOffer("gpu-l4", "us-central1", ProvisioningModel.STANDARD),
        new GpuOffer("gpu-t4", "us-central1-b", ProvisioningModel.STANDARD)), offers);
    assertFalse(offers.get(0).zonal());
    assertTrue(offers.get(2).zonal());
    assertTrue(offers.get(0).spot());
    assertEquals(offers, GpuOffer.parseList(GpuOffer.format(offers)));
  }

  @Test
  void refusesEmptyMalformedDuplicatedOrUnknownModel() {
    assertEquals("is empty: list at least one offer",
        assertThrows(IllegalArgumentException.class, () -> GpuOffer.parseList(" ")).getMessage());
    assertEquals("has a malformed offer ''",
        assertThrows(IllegalArgumentException.class, () -> GpuOffer.parseList("a@us-central1,")).getMessage());
    assertEquals("has a malformed offer 'gpu-l4'",
        assertThrows(IllegalArgumentException.class, () -> GpuOffer.parseList("gpu-l4")).getMessage());
    assertEquals("lists MIG gpu twice: each offer needs a MIG of its own",
        assertThrows(IllegalArgumentException.class,
            () -> GpuOffer.parseList("gpu@us-central1:SPOT,gpu@us-east1")).getMessage());
    assertEquals("names an unknown provisioning model 'PREEMPTIBLE' in 'gpu@us-central1:PREEMPTIBLE': use SPOT or STANDARD",
        assertThrows(IllegalArgumentException.class,
            () -> GpuOffer.parseList("gpu@us-central1:PREEMPTIBLE")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GpuOffer.parseList("GPU@us-central1"))
        .getMessage().startsWith("has an invalid offer 'GPU@us-central1': MIG name 'GPU' is invalid"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GpuOffer.parseList("gpu@central"))
        .getMessage().contains("location 'central' of MIG gpu is invalid"));
  }
}
