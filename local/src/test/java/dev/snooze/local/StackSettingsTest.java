package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.config.GpuOffer;
import dev.snooze.local.gpu.Concurrency;
import dev.snooze.local.gpu.ModelSettings;
import dev.snooze.local.compute.BootTimes;
import dev.snooze.local.compute.SimStages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackSettingsTest {

  @Test
  void defaultsMakeARegionalDemo() {
    StackSettings settings = StackSettings.fromEnv(Map.of());

    assertThat(settings.frontendPort()).isEqualTo(8080);
    assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.sleepCheckInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.simBootTime()).isEqualTo(Duration.ofSeconds(20));
    assertThat(settings.simOperationLatency()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.location())
        .isEqualTo(new StackSettings.Region("us-central1",
            List.of("us-central1-a", "us-central1-b", "us-central1-c")));
    assertThat(settings.mig()).isEqualTo("snooze-gpu");
    assertThat(settings.offers()).extracting(GpuOffer::toString)
        .containsExactly("snooze-gpu-spot@us-central1:SPOT", "snooze-gpu@us-central1:STANDARD");
    assertThat(settings.topic()).isEqualTo("snooze-activity");
    assertThat(settings.functionsJar()).isEmpty();
  }

  @Test
  void readsDurationsAsSecondsOrIso8601AndAZoneOverTheRegion() {
    StackSettings settings =
        StackSettings.fromEnv(
            Map.of(
                "SNOOZE_IDLE_TIMEOUT", "PT5m",
                "SNOOZE_SLEEP_CHECK_INTERVAL", "2.5",
                "SNOOZE_SIM_BOOT_TIME", "3",
                "SNOOZE_SIM_OPERATION_LATENCY", "0",
                "SNOOZE_ZONE", "europe-west4-a",
                "SNOOZE_PORT", "9090"));

    assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.sleepCheckInterval()).isEqualTo(Duration.ofMillis(2500));
    assertThat(settings.simBootTime()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.simOperationLatency()).isZero();
    assertThat(settings.location()).isEqualTo(new StackSettings.Zone("europe-west4-a"));
    assertThat(settings.frontendPort()).isEqualTo(9090);
    assertThat(settings.offers()).extracting(GpuOffer::toString)
        .containsExactly("snooze-gpu-spot@europe-west4-a:SPOT", "snooze-gpu@europe-west4-a:STANDARD");
  }

  @Test
  void theOffersFollowSnoozeMigOrAreListedInSnoozeOffers() {
    assertThat(StackSettings.fromEnv(Map.of("SNOOZE_MIG", "llm")).offers()).extracting(GpuOffer::toString)
        .containsExactly("llm-spot@us-central1:SPOT", "llm@us-central1:STANDARD");

    StackSettings listed = StackSettings.fromEnv(Map.of(
        "SNOOZE_OFFERS", "l4@us-east1:STANDARD, t4-spot@us-east1-c:spot", "SNOOZE_REGION", "europe-west4"));
    assertThat(listed.offers()).containsExactly(
        new GpuOffer("l4", "us-east1", GpuOffer.ProvisioningModel.STANDARD),
        new GpuOffer("t4-spot", "us-east1-c", GpuOffer.ProvisioningModel.SPOT));
  }

  @Test
  void aBadOfferListIsNamedWithItsFix() {
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_OFFERS", "gpu@us-central1:PREEMPTIBLE")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SNOOZE_OFFERS=gpu@us-central1:PREEMPTIBLE names an unknown provisioning model"
            + " 'PREEMPTIBLE' in 'gpu@us-central1:PREEMPTIBLE': use SPOT or STANDARD: set it to comma-separated offers"
            + " in order of preference, each MIG@LOCATION");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_OFFERS", "gpu@us-central1,gpu@us-east1")))
        .hasMessageContaining("SNOOZE_OFFERS=gpu@us-central1,gpu@us-east1 lists MIG gpu twice")
        .hasMessageContaining("or unset it for a SPOT then a STANDARD MIG named after SNOOZE_MIG");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_OFFERS", "gpu")))
        .hasMessageContaining("SNOOZE_OFFERS=gpu has a malformed offer 'gpu'");
    String longName = "g".repeat(60);
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_MIG", longName)))
        .hasMessageContaining("SNOOZE_MIG=" + longName + " leaves no room for the default SPOT offer's MIG "
            + longName + "-spot: use a name of at most 58 characters, or set SNOOZE_OFFERS");
  }

  @Test
  void theFunctionsGetTheOffersTheFirstOffersMigAndTheCapacityTimeoutWhenSet() {
    Map<String, String> env = Map.of("SNOOZE_OFFERS", "a-spot@us-east1-b:SPOT,b@us-central1",
        "SNOOZE_CAPACITY_TIMEOUT", "PT45S", "SNOOZE_REGION", "europe-west4");
    Map<String, String> knobs = LocalStack.functionKnobs(StackSettings.fromEnv(env), env);

    assertThat(knobs)
        .containsEntry("SNOOZE_OFFERS", "a-spot@us-east1-b:SPOT,b@us-central1:STANDARD")
        .containsEntry("SNOOZE_MIG", "a-spot")
        .containsEntry("SNOOZE_ZONE", "us-east1-b")
        .containsEntry("SNOOZE_REGION", null)
        .containsEntry("SNOOZE_CAPACITY_TIMEOUT", "PT45S");
    Map<String, String> defaults = LocalStack.functionKnobs(StackSettings.fromEnv(Map.of()), Map.of());
    assertThat(defaults)
        .containsEntry("SNOOZE_OFFERS", "snooze-gpu-spot@us-central1:SPOT,snooze-gpu@us-central1:STANDARD")
        .containsEntry("SNOOZE_MIG", "snooze-gpu-spot")
        .containsEntry("SNOOZE_REGION", "us-central1")
        .containsEntry("SNOOZE_ZONE", null)
        .containsEntry("SNOOZE_CAPACITY_TIMEOUT", null);
  }

  @Test
  void namesEveryBadVariableAndItsFix() {
    assertThatThrownBy(
            () ->
                StackSettings.fromEnv(
                    Map.of(
                        "SNOOZE_PORT", "80800",
                        "SNOOZE_IDLE_TIMEOUT", "two minutes",
                        "SNOOZE_SIM_BOOT_TIME", "0",
                        "SNOOZE_SIM_OPERATION_LATENCY", "-1",
                        "SNOOZE_MIG", "GPU_MIG",
                        "SNOOZE_FUNCTIONS_JAR", "no-such/snooze-functions-all.jar")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SNOOZE_PORT=80800 is invalid: set it to a whole number from 0 to 65535")
        .hasMessageContaining("SNOOZE_IDLE_TIMEOUT=two minutes is not a positive duration")
        .hasMessageContaining("e.g. PT2M")
        .hasMessageContaining("SNOOZE_SIM_BOOT_TIME=0 is not a positive duration")
        .hasMessageContaining("SNOOZE_SIM_OPERATION_LATENCY=-1 is not a non-negative duration")
        .hasMessageContaining("SNOOZE_MIG=GPU_MIG is invalid")
        .hasMessageContaining("SNOOZE_FUNCTIONS_JAR=no-such/snooze-functions-all.jar is not a file: build it with");
  }

  @Test
  void theSimulatedKeepAliveIsReadAsOllamaKeepAliveAndNeverUnloadsByDefault() {
    assertThat(StackSettings.fromEnv(Map.of()).simKeepAlive()).isEqualTo(ModelSettings.NEVER_UNLOAD);
    assertThat(keepAlive("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(keepAlive("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(keepAlive("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(keepAlive("PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThat(keepAlive("300")).isEqualTo(Duration.ofMinutes(5));
    assertThat(keepAlive("0")).isZero();
    assertThat(keepAlive("-1")).isEqualTo(ModelSettings.NEVER_UNLOAD);
    assertThat(keepAlive("-1m")).isEqualTo(ModelSettings.NEVER_UNLOAD);
    assertThatThrownBy(() -> keepAlive("five minutes"))
        .hasMessageContaining("SNOOZE_SIM_KEEP_ALIVE=five minutes is not a keep-alive: give it as OLLAMA_KEEP_ALIVE,"
            + " a duration (e.g. 5m, 30s, 1h, PT5M), seconds (e.g. 300), or -1 to never unload the model");
  }

  @Test
  void noDrainingAndOllamasQueueByDefaultEachSetByItsKnob() {
    StackSettings defaults = StackSettings.fromEnv(Map.of());
    assertThat(defaults.simDrainTimeout()).isZero();
    assertThat(defaults.simConcurrency()).isEqualTo(new Concurrency(4, 512));

    StackSettings set = StackSettings.fromEnv(Map.of(
        "SNOOZE_SIM_DRAIN_TIMEOUT", "30", "SNOOZE_SIM_PARALLEL", "4", "SNOOZE_SIM_MAX_QUEUE", "0"));
    assertThat(set.simDrainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(set.simConcurrency()).isEqualTo(new Concurrency(4, 0));
    assertThat(StackSettings.fromEnv(Map.of("SNOOZE_SIM_DRAIN_TIMEOUT", "PT1H")).simDrainTimeout())
        .as("GCP's longest").isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aBadDrainTimeoutOrQueueIsNamedWithItsFix() {
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of(
            "SNOOZE_SIM_DRAIN_TIMEOUT", "3601", "SNOOZE_SIM_PARALLEL", "0", "SNOOZE_SIM_MAX_QUEUE", "-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SNOOZE_SIM_DRAIN_TIMEOUT=3601 is longer than a backend service's connection draining"
            + " allows: give at most 3600 seconds (PT1H), or 0 for no draining")
        .hasMessageContaining("SNOOZE_SIM_PARALLEL=0 is invalid: set it to a whole number from 1 to 256")
        .hasMessageContaining("SNOOZE_SIM_MAX_QUEUE=-1 is invalid: set it to a whole number from 0 to 100000");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_DRAIN_TIMEOUT", "a minute")))
        .hasMessageContaining("SNOOZE_SIM_DRAIN_TIMEOUT=a minute is not a non-negative duration");
  }

  private static Duration keepAlive(String value) {
    return StackSettings.fromEnv(Map.of("SNOOZE_SIM_KEEP_ALIVE", value)).simKeepAlive();
  }

  @Test
  void theSimulatedStagesComeFromAPresetOverriddenStageByStage() {
    StackSettings compressed = StackSettings.fromEnv(Map.of());
    assertThat(compressed.simStages()).isEqualTo(SimStages.defaults());
    assertThat(compressed.simStages().fresh().untilReady()).isEqualTo(Duration.ofSeconds(24));
    assertThat(compressed.simModelLoadTime()).isEqualTo(Duration.ofSeconds(2));

    StackSettings realistic = StackSettings.fromEnv(Map.of("SNOOZE_SIM_STAGE_PRESET", "Realistic",
        "SNOOZE_SIM_STAGES", " driver = 5, pulling-image=PT1M30S ,restart.pulling-image=0"));
    BootTimes fresh = realistic.simStages().fresh();
    assertThat(fresh).isEqualTo(new BootTimes(Duration.ofSeconds(40), Duration.ofSeconds(25), Duration.ofSeconds(5),
        Duration.ofSeconds(90), Duration.ofSeconds(5), Duration.ofSeconds(45)));
    assertThat(realistic.simBootTime()).isEqualTo(Duration.ofSeconds(40));
    assertThat(realistic.simModelLoadTime()).isEqualTo(Duration.ofSeconds(45));
    BootTimes restart = realistic.simStages().restart();
    assertThat(restart.provisioning()).isEqualTo(Duration.ofSeconds(16));
    assertThat(restart.driver()).as("never longer than a fresh boot's").isEqualTo(Duration.ofSeconds(5));
    assertThat(restart.pullingImage()).isZero();
    assertThat(restart.loadingModel()).isEqualTo(Duration.ofSeconds(45));

    StackSettings old = StackSettings.fromEnv(Map.of("SNOOZE_SIM_BOOT_TIME", "0.5"));
    assertThat(old.simStages().fresh()).isEqualTo(SimStages.defaults().fresh().withProvisioning(Duration.ofMillis(500)));
    assertThat(old.simStages().restart().provisioning()).isEqualTo(Duration.ofMillis(200));
    assertThat(StackSettings.fromEnv(Map.of("SNOOZE_SIM_BOOT_TIME", "3", "SNOOZE_SIM_STAGES", "provisioning=PT3S"))
        .simBootTime()).as("the same provisioning twice is no conflict").isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aBadStageSettingIsNamedWithItsFix() {
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_STAGES", "provisioning=20,gpu=3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SNOOZE_SIM_STAGES=provisioning=20,gpu=3 names an unknown stage 'gpu': set it to"
            + " comma-separated STAGE=DURATION")
        .hasMessageContaining("or unset it for the compressed preset's times");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_STAGES", "driver=-1")))
        .hasMessageContaining("SNOOZE_SIM_STAGES=driver=-1 gives driver '-1', not a non-negative duration");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_STAGES", "driver=2 minutes")))
        .hasMessageContaining("gives driver '2 minutes', not a non-negative duration");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_STAGES", "ready=1")))
        .hasMessageContaining("names an unknown stage 'ready'");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_STAGES", "driver")))
        .hasMessageContaining("has 'driver' without '='");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_STAGES", "driver=1,driver=2")))
        .hasMessageContaining("sets driver twice");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_STAGE_PRESET", "slow")))
        .hasMessageContaining("SNOOZE_SIM_STAGE_PRESET=slow is invalid: set it to one of compressed, realistic");
    assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SNOOZE_SIM_BOOT_TIME", "5", "SNOOZE_SIM_STAGES", "provisioning=6")))
        .hasMessageContaining("SNOOZE_SIM_BOOT_TIME=5 and provisioning=PT6S in SNOOZE_SIM_STAGES disagree: set only one");
  }
}
