package dev.snooze.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.frontend.activity.PubsubActivity;
import dev.snooze.frontend.config.FrontendConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner models the frontend with its own defaults: a change there must show here. */
class FrontendDefaultsTest {
  @Test
  void theFrontendModelPublishesAsADefaultFrontendDoes() {
    FrontendConfig config = FrontendConfig.fromEnv(Map.of("SNOOZE_BACKEND_URL", "http://10.0.0.5:11434",
        "SNOOZE_PROJECT", "demo-project", "SNOOZE_IAP_AUDIENCE", "/projects/1/global/backendServices/2"));

    FrontendModel.Settings defaults = FrontendModel.Settings.DEFAULTS;
    assertThat(defaults.debounce()).isEqualTo(config.activity().debounce());
    assertThat(defaults.heartbeat()).isEqualTo(config.activity().heartbeatInterval());
    assertThat(defaults.asleepWindow()).isEqualTo(PubsubActivity.ASLEEP_WINDOW);
    assertThat(defaults.holdTimeout()).isEqualTo(config.hold().wakeTimeout());
  }

  @Test
  void theProxiedPathsAreTheFrontendsDefault() throws Exception {
    FrontendConfig config = FrontendConfig.fromEnv(Map.of("SNOOZE_BACKEND_URL", "http://10.0.0.5:11434",
        "SNOOZE_PROJECT", "demo-project", "SNOOZE_IAP_AUDIENCE", "/projects/1/global/backendServices/2"));

    assertThat(PlanOptions.parse(new String[] {"x.log"}).paths()).isEqualTo(config.server().allowedPaths());
  }
}
