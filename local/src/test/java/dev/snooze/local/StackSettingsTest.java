package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
