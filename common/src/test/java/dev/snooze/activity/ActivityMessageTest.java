package dev.snooze.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.activity.ActivityMessage.Decoded;
import dev.snooze.activity.ActivityMessage.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one format both sides use: what the frontend writes is what Wake reads, field for field. */
class ActivityMessageTest {

  @Test
  void requestsAndHeartbeatsAreWrittenInSchemaVersion1() {
    assertThat(ActivityMessage.request("frontend-1", 1).toJson())
        .isEqualTo("{\"schemaVersion\":1,\"source\":\"frontend-1\",\"kind\":\"request\",\"inFlight\":1}");
    assertThat(ActivityMessage.heartbeat("fe", 3).toJson())
        .isEqualTo("{\"schemaVersion\":1,\"source\":\"fe\",\"kind\":\"heartbeat\",\"inFlight\":3}");
  }

  @Test
  void whatIsWrittenReadsBackAsItWas() {
    for (ActivityMessage written : new ActivityMessage[] {
        ActivityMessage.request("frontend-1", 0), ActivityMessage.heartbeat("frontend-2", 7)}) {
      Decoded read = ActivityMessage.decode(written.toJson());
      assertThat(read.message()).isEqualTo(written);
      assertThat(read.warnings()).isEmpty();
    }
  }

  @Test
  void negativeCountsAndDetaillessMessagesAreNeverWritten() {
    assertThatThrownBy(() -> ActivityMessage.request("fe", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ActivityMessage("fe", Kind.UNSPECIFIED, null).toJson())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anEmptyBodyIsActivityWithoutDetailOrWarning() {
    Decoded read = ActivityMessage.decode("");
    assertThat(read.message()).isEqualTo(new ActivityMessage("unknown", Kind.UNSPECIFIED, null));
    assertThat(read.warnings()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[1,2]", "\"text\"", "{\"schemaVersion\":2}", "{"})
  void aBodyThatIsNotActivityJsonLosesItsDetailWithAWarning(String body) {
    Decoded read = ActivityMessage.decode(body);
    assertThat(read.message()).isEqualTo(new ActivityMessage("unknown", Kind.UNSPECIFIED, null));
    assertThat(read.warnings()).singleElement().asString().contains("without detail");
  }

  @Test
  void badFieldsAreIgnoredOneByOne() {
    Decoded read = ActivityMessage.decode("{\"source\":42,\"kind\":\"poke\",\"inFlight\":-1}");
    assertThat(read.message()).isEqualTo(new ActivityMessage("unknown", Kind.UNSPECIFIED, null));
    assertThat(read.warnings()).hasSize(3);
  }

  @Test
  void warningsStayShortHoweverLongTheInput() {
    Decoded read = ActivityMessage.decode("{\"inFlight\":\"" + "9".repeat(100_000) + "\"}");
    assertThat(read.warnings()).singleElement().asString().hasSizeLessThan(300).contains("is not a count");
  }
}
