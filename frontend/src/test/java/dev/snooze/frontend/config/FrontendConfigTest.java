package dev.snooze.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Environment variables in, each component's own settings out; a bad value named with its fix. */
class FrontendConfigTest {
  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of(
        "SNOOZE_BACKEND_URL", "http://10.10.0.5:11434", "SNOOZE_PROJECT", "snooze-test"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void eachComponentGetsItsOwnSettings() {
    FrontendConfig config = FrontendConfig.fromEnv(env(
        "SNOOZE_BACKEND_URL", "https://gpu.internal/ollama/",
        "SNOOZE_PORT", "9090", "SNOOZE_ALLOWED_PATHS", "/api/",
        "SNOOZE_STATUS_URL", "https://status.example/run",
        "SNOOZE_BACKEND_HEALTH_PATH", "/api/tags",
        "SNOOZE_REQUEST_TIMEOUT", "PT5M", "SNOOZE_MAX_BODY_BYTES", "2048", "SNOOZE_MAX_PENDING", "50",
        "SNOOZE_WAKE_TIMEOUT", "300", "SNOOZE_EXPECTED_WAKE", "120",
        "SNOOZE_IAP_AUDIENCE", "/projects/123/global/backendServices/456",
        "SNOOZE_TOPIC", "wake-up", "PUBSUB_EMULATOR_HOST", "127.0.0.1:8085", "SNOOZE_INSTANCE_ID", "fe-1",
        "SNOOZE_ACTIVITY_DEBOUNCE", "10", "SNOOZE_HEARTBEAT_INTERVAL", "20", "SNOOZE_ACTIVITY_QUEUE", "7",
        "SNOOZE_WAKE_ON", "Typing"));
    Origin backend = new Origin("gpu.internal", 443, true, "/ollama");

    assertThat(config.server()).isEqualTo(new ServerSettings(9090, List.of("/api/"),
        URI.create("https://status.example/run")));
    // One held request per connection when the GPU wakes: twice the pending cap, at least 64.
    assertThat(config.proxy()).isEqualTo(new ProxySettings(backend, Duration.ofMinutes(5), 2048, 100));
    assertThat(config.readiness()).isEqualTo(new ReadinessSettings(backend, "/api/tags"));
    assertThat(config.hold()).isEqualTo(new HoldSettings(Duration.ofMinutes(5), 50, Duration.ofMinutes(2)));
    assertThat(config.iap()).isEqualTo(new IapSettings("/projects/123/global/backendServices/456",
        URI.create(FrontendConfig.GOOGLE_IAP_KEYS)));
    assertThat(config.iap().enabled()).isTrue();
    assertThat(config.activity()).isEqualTo(new ActivitySettings("snooze-test", "wake-up", "127.0.0.1:8085",
        "fe-1", Duration.ofSeconds(10), Duration.ofSeconds(20), 7, WakeOn.TYPING));
  }

  @Test
  void defaults() {
    FrontendConfig config = FrontendConfig.fromEnv(env("HOSTNAME", "frontend-abc1"));
    assertThat(config.server()).isEqualTo(new ServerSettings(8080, List.of("/api/", "/v1/"), null));
    assertThat(config.proxy()).isEqualTo(new ProxySettings(new Origin("10.10.0.5", 11434, false, ""),
        Duration.ofMinutes(10), 10 * 1024 * 1024, 200));
    assertThat(config.readiness().healthPath()).isEqualTo("/");
    assertThat(config.hold()).isEqualTo(new HoldSettings(Duration.ofMinutes(10), 100, Duration.ofSeconds(90)));
    assertThat(config.iap().enabled()).isFalse();
    assertThat(config.activity()).isEqualTo(new ActivitySettings("snooze-test", "snooze-activity", null,
        "frontend-abc1", Duration.ofSeconds(30), Duration.ofSeconds(30), 1000, WakeOn.OPEN));
    assertThat(FrontendConfig.fromEnv(env("SNOOZE_WAKE_ON", "send")).activity().wakeOn()).isEqualTo(WakeOn.SEND);
    assertThat(FrontendConfig.fromEnv(env("SNOOZE_MAX_PENDING", "5")).proxy().maxConnections()).isEqualTo(64);
  }

  @Test
  void projectTopicAndEmulatorHaveGoogleCloudsShapes() {
    assertThat(FrontendConfig.fromEnv(env("SNOOZE_PROJECT", "example.com:my-project")).activity().project())
        .isEqualTo("example.com:my-project");
    Map<String, String> fallback = env();
    fallback.remove("SNOOZE_PROJECT");
    fallback.put("GOOGLE_CLOUD_PROJECT", "from-the-runtime");
    assertThat(FrontendConfig.fromEnv(fallback).activity().project()).isEqualTo("from-the-runtime");

    assertThatThrownBy(() -> FrontendConfig.fromEnv(env(
        "SNOOZE_PROJECT", "Bad_Project", "SNOOZE_TOPIC", "no", "PUBSUB_EMULATOR_HOST", "localhost")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SNOOZE_PROJECT=Bad_Project is invalid: set it to a project ID")
        .hasMessageContaining("SNOOZE_TOPIC=no is invalid: set it to a Pub/Sub topic ID")
        .hasMessageContaining("PUBSUB_EMULATOR_HOST=localhost is invalid: set it to the emulator's HOST:PORT")
        .hasMessageContaining("(leave it unset for Pub/Sub itself)");
  }

  @Test
  void everyProblemIsReportedAtOnceWithTheVariableAndTheFix() {
    assertThatThrownBy(() -> FrontendConfig.fromEnv(Map.of(
        "SNOOZE_PORT", "70000", "SNOOZE_REQUEST_TIMEOUT", "soon", "SNOOZE_IAP_AUDIENCE", "my-app",
        "SNOOZE_WAKE_ON", "click")))
        .hasMessageContaining("SNOOZE_BACKEND_URL is not set: set it to the GPU backend's base URL")
        .hasMessageContaining("SNOOZE_PROJECT is not set: set it to the project that holds the activity topic")
        .hasMessageContaining("SNOOZE_PORT=70000 is invalid: set it to a whole number from ")
        .hasMessageContaining("SNOOZE_REQUEST_TIMEOUT=soon is not a positive duration")
        .hasMessageContaining("SNOOZE_IAP_AUDIENCE=my-app is invalid: set it to the IAP audience")
        .hasMessageContaining("SNOOZE_WAKE_ON=click is invalid: set it to open (opening the page wakes the GPU),"
            + " typing (the first keystroke in the prompt does) or send (only a prompt does)");
  }
}
