package dev.snooze.frontend.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.pubsub.v1.PubsubMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivityMessageTest {

  @Test
  void requestJsonFollowsSchemaVersion1() {
    assertThat(ActivityMessage.request("frontend-1", 1).toJson())
        .isEqualTo("{\"schemaVersion\":1,\"source\":\"frontend-1\",\"kind\":\"request\",\"inFlight\":1}");
  }

  @Test
  void heartbeatJsonFollowsSchemaVersion1() {
    assertThat(ActivityMessage.heartbeat("fe", 3).toJson())
        .isEqualTo("{\"schemaVersion\":1,\"source\":\"fe\",\"kind\":\"heartbeat\",\"inFlight\":3}");
  }

  @Test
  void pubsubMessageCarriesTheJsonAndTheSourceAttribute() {
    PubsubMessage message = PubsubSink.toPubsub(ActivityMessage.request("frontend-1", 2));
    assertThat(message.getData().toStringUtf8()).contains("\"inFlight\":2");
    assertThat(message.getAttributesMap()).containsExactlyEntriesOf(Map.of("source", "frontend-1"));
  }

  @Test
  void negativeCountsAreRejected() {
    assertThatThrownBy(() -> ActivityMessage.request("fe", -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
