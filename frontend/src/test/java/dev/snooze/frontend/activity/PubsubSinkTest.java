package dev.snooze.frontend.activity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.pubsub.v1.PubsubMessage;
import dev.snooze.activity.ActivityMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PubsubSinkTest {

  @Test
  void aPubsubMessageCarriesTheJsonAndTheSourceAttribute() {
    PubsubMessage message = PubsubSink.toPubsub(ActivityMessage.request("frontend-1", 2));
    assertThat(message.getData().toStringUtf8())
        .isEqualTo("{\"schemaVersion\":1,\"source\":\"frontend-1\",\"kind\":\"request\",\"inFlight\":2}");
    assertThat(message.getAttributesMap()).containsExactlyEntriesOf(Map.of("source", "frontend-1"));
  }
}
