package dev.snooze.functions.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.MigLocation;
import dev.snooze.functions.compute.SleepMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnoozeConfigTest {

  @Test
  void aRegionalMigWithDefaults() {
    SnoozeConfig config = SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_REGION", "us-central1"));

    assertThat(config.location()).isEqualTo("us-central1");
    assertThat(config.migLocation().path()).contains("/regions/us-central1/");
    assertThat(config.offers()).containsExactly(
        new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD));
    assertThat(config.capacityTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.mig()).isEqualTo("snooze-gpu");
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.desiredSize()).isEqualTo(1);
    assertThat(config.sleepMode()).isEqualTo(SleepMode.DELETE);
    assertThat(config.collection()).isEqualTo("snooze");
    assertThat(config.computeEndpoint()).isNull();
    assertThat(config.policy().sleepAfter()).isEqualTo(Duration.ofMinutes(15).plusSeconds(10));
  }

  @Test
  void everyKnobIsRead() {
    SnoozeConfig config = SnoozeConfig.fromEnv(Map.of(
        "GOOGLE_CLOUD_PROJECT", "my-project",
        "SNOOZE_ZONE", "europe-west4-a",
        "SNOOZE_MIG", "ollama",
        "SNOOZE_IDLE_TIMEOUT", "PT5M",
        "SNOOZE_DESIRED_SIZE", "2",
        "SNOOZE_SLEEP_MODE", "stop",
        "SNOOZE_STATE_COLLECTION", "snooze-dev",
        "SNOOZE_COMPUTE_ENDPOINT", "http://127.0.0.1:8090",
        "FIRESTORE_EMULATOR_HOST", "127.0.0.1:8086"));

    assertThat(config.project()).isEqualTo("my-project");
    assertThat(config.location()).isEqualTo("europe-west4-a");
    assertThat(config.mig()).isEqualTo("ollama");
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.desiredSize()).isEqualTo(2);
    assertThat(config.sleepMode()).isEqualTo(SleepMode.STOP);
    assertThat(config.collection()).isEqualTo("snooze-dev");
    assertThat(config.computeEndpoint()).isEqualTo("http://127.0.0.1:8090");
    assertThat(config.firestoreEmulatorHost()).isEqualTo("127.0.0.1:8086");
  }

  @Test
  void namesEveryMissingOrBadVariableWithItsFix() {
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of(
            "SNOOZE_IDLE_TIMEOUT", "soon",
            "SNOOZE_DESIRED_SIZE", "0",
            "SNOOZE_SLEEP_MODE", "hibernate",
            "SNOOZE_COMPUTE_ENDPOINT", "127.0.0.1:8090")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SNOOZE_PROJECT is not set")
        .hasMessageContaining("SNOOZE_REGION is not set")
        .hasMessageContaining("SNOOZE_IDLE_TIMEOUT=soon is not a positive duration")
        .hasMessageContaining("SNOOZE_DESIRED_SIZE=0 is invalid: set it to a whole number from 1 to 100")
        .hasMessageContaining("SNOOZE_SLEEP_MODE=hibernate is invalid: set it to one of delete, stop")
        .hasMessageContaining("SNOOZE_COMPUTE_ENDPOINT=127.0.0.1:8090 is invalid");
  }

  @Test
  void scalingDefaultsToAFixedSizeAndReadsItsKnobs() {
    Map<String, String> base = Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_REGION", "us-central1",
        "SNOOZE_DESIRED_SIZE", "2");
    assertThat(SnoozeConfig.fromEnv(base).policy().scaling())
        .isEqualTo(new dev.snooze.functions.scale.Scaling(2, 4, java.time.Duration.ofMinutes(5)));
    assertThat(SnoozeConfig.fromEnv(base).policy().scales()).isFalse();

    java.util.Map<String, String> scaled = new java.util.HashMap<>(base);
    scaled.putAll(Map.of("SNOOZE_MAX_SIZE", "5", "SNOOZE_TARGET_IN_FLIGHT", "2", "SNOOZE_SCALE_IN_DELAY", "600"));
    assertThat(SnoozeConfig.fromEnv(scaled).policy().scaling())
        .isEqualTo(new dev.snooze.functions.scale.Scaling(5, 2, java.time.Duration.ofMinutes(10)));
  }

  @Test
  void refusesATargetOfZeroAMaximumBelowOneOrBelowTheDesiredSizeNamingTheFix() {
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_REGION", "us-central1",
        "SNOOZE_TARGET_IN_FLIGHT", "0", "SNOOZE_MAX_SIZE", "0", "SNOOZE_SCALE_IN_DELAY", "-5")))
        .hasMessageContaining("SNOOZE_TARGET_IN_FLIGHT=0 is invalid: set it to a whole number from 1 to 1000")
        .hasMessageContaining("SNOOZE_MAX_SIZE=0 is invalid: set it to a whole number from 1 to 100")
        .hasMessageContaining("SNOOZE_SCALE_IN_DELAY=-5 is not a positive duration");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_REGION", "us-central1",
        "SNOOZE_DESIRED_SIZE", "3", "SNOOZE_MAX_SIZE", "2")))
        .hasMessageContaining("SNOOZE_MAX_SIZE=2 is below SNOOZE_DESIRED_SIZE=3: the most GPU VMs cannot be fewer than"
            + " the least; raise SNOOZE_MAX_SIZE to at least 3 (or unset it for a fixed size)");
  }

  @Test
  void refusesAZoneAndARegionTogetherAndAGranularityAsLongAsTheIdleTimeout() {
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of(
            "SNOOZE_PROJECT", "my-project", "SNOOZE_ZONE", "us-central1-a", "SNOOZE_REGION", "us-central1",
            "SNOOZE_IDLE_TIMEOUT", "10", "SNOOZE_ACTIVITY_GRANULARITY", "10")))
        .hasMessageContaining("SNOOZE_ZONE and SNOOZE_REGION are both set")
        .hasMessageContaining("SNOOZE_ACTIVITY_GRANULARITY=PT10S must be shorter than SNOOZE_IDLE_TIMEOUT=PT10S");
  }

  @Test
  void aZoneNamesAZonalMigAndARegionARegionalOne() {
    assertThat(SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_ZONE", "europe-west4-a",
            "SNOOZE_MIG", "ollama")).migLocation())
        .isEqualTo(new MigLocation.Zone("my-project", "europe-west4-a", "ollama"));
    assertThat(SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "example.com:my-project", "SNOOZE_REGION", "us-central1"))
            .migLocation())
        .as("a domain-scoped project, as the APIs accept it")
        .isEqualTo(new MigLocation.Region("example.com:my-project", "us-central1", "snooze-gpu"));
  }

  @Test
  void readsTheOffersInOrderAndTheCapacityTimeout() {
    SnoozeConfig config = SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project",
        "SNOOZE_OFFERS", "l4-spot@us-central1:SPOT,l4@us-central1,t4@us-central1-b",
        "SNOOZE_MIG", "l4-spot", "SNOOZE_CAPACITY_TIMEOUT", "90"));

    assertThat(config.offers()).extracting(GpuOffer::toString)
        .containsExactly("l4-spot@us-central1:SPOT", "l4@us-central1:STANDARD", "t4@us-central1-b:STANDARD");
    assertThat(config.capacityTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.mig()).as("the state document keeps the first offer's name").isEqualTo("l4-spot");
    assertThat(config.migLocation(config.offers().get(2)).path()).contains("/zones/us-central1-b/");
    assertThat(config.policy().offers()).isEqualTo(config.offers());
  }

  @Test
  void refusesAnEmptyMalformedDuplicatedOrUnknownModelOfferListNamingTheVariable() {
    for (String bad : List.of(",", "l4", "l4@us-central1,l4@us-east1", "l4@us-central1:PREEMPTIBLE")) {
      assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_OFFERS", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("SNOOZE_OFFERS ")
          .hasMessageContaining("set it to comma-separated offers in order of preference");
    }
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project",
            "SNOOZE_OFFERS", "l4@us-central1", "SNOOZE_MIG", "other")))
        .hasMessageContaining("SNOOZE_MIG=other is not the first offer of SNOOZE_OFFERS (l4)");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project",
            "SNOOZE_REGION", "us-central1", "SNOOZE_CAPACITY_TIMEOUT", "0")))
        .hasMessageContaining("SNOOZE_CAPACITY_TIMEOUT=0 is not a positive duration");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_OFFERS", " ")))
        .as("blank is unset, as for every variable: then the single MIG's location is missing")
        .hasMessageContaining("or list the GPU offers in SNOOZE_OFFERS (comma-separated offers");
  }

  @Test
  void readsTheBudgetAndTheWarmWindows() {
    SnoozeConfig config = SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project",
        "SNOOZE_OFFERS", "gpu-spot@us-central1:SPOT,gpu@us-central1",
        "SNOOZE_BUDGET_GPU_HOURS_PER_DAY", "8", "SNOOZE_BUDGET_MONEY_PER_MONTH", "50.5",
        "SNOOZE_GPU_PRICES", "gpu-spot=0.28, gpu=0.71", "SNOOZE_BUDGET_ZONE", "Europe/Warsaw",
        "SNOOZE_BUDGET_GRACE", "300", "SNOOZE_WARM_WINDOWS", "Mon-Fri 09:00-17:30 Europe/Warsaw"));
    dev.snooze.functions.budget.Budget budget = config.policy().budget();
    assertThat(budget.zone()).isEqualTo(java.time.ZoneId.of("Europe/Warsaw"));
    assertThat(budget.caps()).extracting(Object::toString).containsExactly("8 GPU hours per day", "50.50 per month");
    assertThat(budget.hourlyPrices()).containsEntry("gpu-spot", 0.28).containsEntry("gpu", 0.71);
    assertThat(budget.grace()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(config.policy().windows().toString()).isEqualTo("Mon,Tue,Wed,Thu,Fri 09:00-17:30 Europe/Warsaw");
    assertThat(SnoozeConfig.fromEnv(Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_REGION", "us-central1")).policy().budget())
        .as("no budget variables: no caps").isEqualTo(dev.snooze.functions.budget.Budget.NONE);
  }

  @Test
  void aBadBudgetOrWindowNamesTheVariableAndTheFix() {
    Map<String, String> base = Map.of("SNOOZE_PROJECT", "my-project", "SNOOZE_OFFERS", "gpu-spot@us-central1:SPOT,gpu@us-central1");
    java.util.function.Function<Map<String, String>, Map<String, String>> with = extra -> {
      Map<String, String> env = new java.util.HashMap<>(base);
      env.putAll(extra);
      return env;
    };
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(with.apply(Map.of("SNOOZE_BUDGET_GPU_HOURS_PER_DAY", "-1"))))
        .hasMessageContaining("SNOOZE_BUDGET_GPU_HOURS_PER_DAY=-1 is not a budget: give a number of 0 or more (GPU hours, e.g. 8)");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(with.apply(Map.of("SNOOZE_BUDGET_MONEY_PER_MONTH", "lots"))))
        .hasMessageContaining("SNOOZE_BUDGET_MONEY_PER_MONTH=lots is not a budget");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(with.apply(Map.of("SNOOZE_BUDGET_MONEY_PER_MONTH", "50",
        "SNOOZE_GPU_PRICES", "gpu=0.71"))))
        .hasMessageContaining("SNOOZE_BUDGET_MONEY_PER_MONTH is set but SNOOZE_GPU_PRICES has no price for gpu-spot:"
            + " add one per offer (e.g. gpu-spot=0.71), or cap GPU hours instead");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(with.apply(Map.of("SNOOZE_GPU_PRICES", "gpu=cheap"))))
        .hasMessageContaining("SNOOZE_GPU_PRICES the price 'cheap' of gpu is not a number");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(with.apply(Map.of("SNOOZE_GPU_PRICES", "h100=9"))))
        .hasMessageContaining("SNOOZE_GPU_PRICES prices h100, which is not an offer (gpu-spot, gpu)");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(with.apply(Map.of("SNOOZE_BUDGET_ZONE", "Mars/Olympus"))))
        .hasMessageContaining("SNOOZE_BUDGET_ZONE=Mars/Olympus is not a time zone: give an IANA name such as Europe/Warsaw");
    assertThatThrownBy(() -> SnoozeConfig.fromEnv(with.apply(Map.of("SNOOZE_WARM_WINDOWS", "Mon-Fri 9-17 Europe/Warsaw"))))
        .hasMessageContaining("SNOOZE_WARM_WINDOWS window 1:");
  }
}
