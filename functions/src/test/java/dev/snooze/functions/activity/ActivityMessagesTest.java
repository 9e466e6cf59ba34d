package dev.snooze.functions.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.activity.ActivityMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class ActivityMessagesTest {
  static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  static final String PUBLISHED = "2026-11-28T09:59:58.123Z";

  public static CloudEvent event(String type, String data) {
    CloudEventBuilder builder = CloudEventBuilder.v1()
        .withId("ce-1")
        .withSource(URI.create("//pubsub.googleapis.com/projects/p/topics/snooze-activity"))
        .withType(type)
        .withTime(OffsetDateTime.parse("2026-11-28T09:59:59Z"));
    if (data != null) {
      builder.withDataContentType("application/json").withData(data.getBytes(StandardCharsets.UTF_8));
    }
    return builder.build();
  }

  public static CloudEvent published(String body) {
    String data = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
    return event(ActivityMessages.EVENT_TYPE,
        "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"m-7\",\"publishTime\":\"" + PUBLISHED
            + "\"},\"subscription\":\"projects/p/subscriptions/s\"}");
  }

  static ActivityMessages.Accepted accepted(CloudEvent event) {
    ActivityMessages.Parsed parsed = ActivityMessages.parse(event, NOW);
    assertThat(parsed).isInstanceOf(ActivityMessages.Accepted.class);
    return (ActivityMessages.Accepted) parsed;
  }

  @Test
  void readsTheDetailOfASchemaVersion1Body() {
    ActivityMessages.Accepted accepted = accepted(published(
        "{\"schemaVersion\":1,\"source\":\"frontend-x1\",\"kind\":\"heartbeat\",\"inFlight\":3}"));

    assertThat(accepted.activity()).isEqualTo(new Activity(
        "m-7", Instant.parse(PUBLISHED), "frontend-x1", ActivityMessage.Kind.HEARTBEAT, 3));
    assertThat(accepted.warnings()).isEmpty();
  }

  @Test
  void anEmptyBodyIsActivityWithoutDetailOrWarning() {
    ActivityMessages.Accepted accepted = accepted(published(""));

    assertThat(accepted.activity().publishTime()).isEqualTo(Instant.parse(PUBLISHED));
    assertThat(accepted.activity().source()).isEqualTo("unknown");
    assertThat(accepted.warnings()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[1,2]", "{\"schemaVersion\":2}", "\"text\""})
  void aBodyThatIsNotActivityJsonStillCountsWithAWarning(String body) {
    ActivityMessages.Accepted accepted = accepted(published(body));

    assertThat(accepted.activity().messageId()).isEqualTo("m-7");
    assertThat(accepted.activity().kind()).isEqualTo(ActivityMessage.Kind.UNSPECIFIED);
    assertThat(accepted.warnings()).singleElement().asString().contains("without detail");
  }

  @Test
  void badFieldsAreIgnoredOneByOne() {
    ActivityMessages.Accepted accepted = accepted(published(
        "{\"source\":42,\"kind\":\"shout\",\"inFlight\":-1}"));

    assertThat(accepted.activity().source()).isEqualTo("unknown");
    assertThat(accepted.activity().inFlight()).isNull();
    assertThat(accepted.warnings()).hasSize(3);
  }

  @Test
  void anAbsurdCountInFlightIsClampedWithAWarningNotTrusted() {
    ActivityMessages.Accepted accepted = accepted(published(
        "{\"schemaVersion\":1,\"source\":\"fe-1\",\"kind\":\"heartbeat\",\"inFlight\":2000000000}"));

    assertThat(accepted.activity().inFlight()).isEqualTo(ActivityMessages.MAX_IN_FLIGHT);
    assertThat(accepted.warnings()).containsExactly(
        "inFlight 2000000000 from fe-1 is more than a frontend can hold: counted as 100000");
  }

  @Test
  void withoutAPublishTimeTheEventTimeCounts() {
    CloudEvent event = event(ActivityMessages.EVENT_TYPE, "{\"message\":{\"messageId\":\"m-8\"}}");

    assertThat(accepted(event).activity().publishTime()).isEqualTo(Instant.parse("2026-11-28T09:59:59Z"));
  }

  @Test
  void eventsThatAreNotPubsubMessagesAreRejectedWithTheReason() {
    assertThat(ActivityMessages.parse(event("google.cloud.storage.object.v1.finalized", "{}"), NOW))
        .isEqualTo(new ActivityMessages.Rejected(
            "event type google.cloud.storage.object.v1.finalized is not " + ActivityMessages.EVENT_TYPE));
    assertThat(ActivityMessages.parse(event(ActivityMessages.EVENT_TYPE, null), NOW))
        .isEqualTo(new ActivityMessages.Rejected("event ce-1 has no data"));
    assertThat(ActivityMessages.parse(event(ActivityMessages.EVENT_TYPE, "{\"subscription\":\"s\"}"), NOW))
        .isEqualTo(new ActivityMessages.Rejected("event ce-1 carries no Pub/Sub message"));
    assertThat(ActivityMessages.parse(event(ActivityMessages.EVENT_TYPE, "not json"), NOW))
        .isInstanceOf(ActivityMessages.Rejected.class);
  }

  static CloudEvent publishedAt(String publishTime, String messageId) {
    return event(ActivityMessages.EVENT_TYPE,
        "{\"message\":{\"messageId\":\"" + messageId + "\",\"publishTime\":\"" + publishTime + "\"}}");
  }

  @Test
  void aPublishTimeFarInTheFutureCountsAsNowSoItCannotPinTheGpuAwake() {
    ActivityMessages.Accepted accepted = accepted(publishedAt("9999-12-31T23:59:59Z", "m-9"));

    assertThat(accepted.activity().publishTime()).isEqualTo(NOW);
    assertThat(accepted.warnings()).singleElement().asString()
        .contains("9999-12-31T23:59:59Z is in the future");
  }

  @Test
  void aPublishTimeWithinTheClockSkewIsKept() {
    Instant ahead = NOW.plus(ActivityMessages.MAX_CLOCK_SKEW);

    ActivityMessages.Accepted accepted = accepted(publishedAt(ahead.toString(), "m-10"));

    assertThat(accepted.activity().publishTime()).isEqualTo(ahead);
    assertThat(accepted.warnings()).isEmpty();
  }

  @Test
  void anOverlongMessageIdIsNotAPubsubMessage() {
    assertThat(ActivityMessages.parse(publishedAt(PUBLISHED, "7".repeat(201)), NOW))
        .isEqualTo(new ActivityMessages.Rejected(
            "event ce-1 has a message id of 201 characters, not a Pub/Sub message id"));
    assertThat(accepted(publishedAt(PUBLISHED, "7".repeat(200))).activity().messageId()).hasSize(200);
  }

  @Test
  void reasonsAndWarningsStayShortHoweverLongTheInput() {
    String huge = "9".repeat(1 << 20);
    ActivityMessages.Parsed badTime = ActivityMessages.parse(publishedAt(huge, "m-11"), NOW);
    assertThat(badTime).isInstanceOf(ActivityMessages.Rejected.class);
    assertThat(((ActivityMessages.Rejected) badTime).reason()).hasSizeLessThan(300)
        .contains("data is not a Pub/Sub MessagePublishedData");

    ActivityMessages.Accepted accepted = accepted(published(
        "{\"schemaVersion\":\"" + huge + "\",\"inFlight\":[" + "1,".repeat(1 << 18) + "1]}"));
    assertThat(accepted.warnings()).singleElement().asString().hasSizeLessThan(300).contains("schemaVersion");
    ActivityMessages.Accepted counted = accepted(published("{\"inFlight\":[" + "1,".repeat(1 << 18) + "1]}"));
    assertThat(counted.warnings()).singleElement().asString().hasSizeLessThan(300).contains("is not a count");
  }
}
