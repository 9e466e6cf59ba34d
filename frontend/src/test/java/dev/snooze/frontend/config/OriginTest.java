package dev.snooze.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import org.junit.jupiter.api.Test;

class OriginTest {
  @Test
  void theSchemeGivesTheDefaultPortAndTls() {
    assertThat(Origin.of(URI.create("http://10.10.0.5"))).isEqualTo(new Origin("10.10.0.5", 80, false, ""));
    assertThat(Origin.of(URI.create("https://gpu.internal"))).isEqualTo(new Origin("gpu.internal", 443, true, ""));
    assertThat(Origin.of(URI.create("http://10.10.0.5:11434"))).isEqualTo(new Origin("10.10.0.5", 11434, false, ""));
  }

  @Test
  void aRequestGoesUnderTheBasePathWithoutDoublingItsSlash() {
    Origin origin = Origin.of(URI.create("https://gpu.internal:8443/ollama/"));
    RequestOptions options = origin.request(HttpMethod.POST, "/api/chat?stream=true");
    assertThat(options.getHost()).isEqualTo("gpu.internal");
    assertThat(options.getPort()).isEqualTo(8443);
    assertThat(options.isSsl()).isTrue();
    assertThat(options.getMethod()).isEqualTo(HttpMethod.POST);
    assertThat(options.getURI()).isEqualTo("/ollama/api/chat?stream=true");
    assertThat(Origin.of(URI.create("http://h:1//")).request(HttpMethod.GET, "/").getURI()).isEqualTo("/");
  }

  @Test
  void itsUrlForLogsNamesOnlyAPortThatIsNotTheDefault() {
    assertThat(Origin.of(URI.create("https://gpu.internal:443/base/"))).hasToString("https://gpu.internal/base");
    assertThat(Origin.of(URI.create("http://10.10.0.5:11434"))).hasToString("http://10.10.0.5:11434");
  }
}
