package dev.snooze.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.functions.HttpFunction;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.activity.ActivityMessages;
import dev.snooze.functions.compute.FakeMig;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.compute.TransientComputeException;
import dev.snooze.functions.control.Controller;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.failure.PermanentFailure;
import dev.snooze.functions.state.FirestoreStateStore.PermanentStoreException;
import dev.snooze.functions.state.FirestoreStateStore.UnreadableStateException;
import dev.snooze.functions.state.InMemoryStateStore;
import dev.snooze.functions.state.StateStore.StoreUnavailableException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each entry point makes of a failure, by its kind: a transient one is retried (Wake fails
 * the delivery, Sleep and Status answer 503 with Retry-After), a permanent one is answered at once
 * (Wake acknowledges the message, Sleep and Status answer 500 naming the refusal and its code).
 */
class FailureAnswersTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  private static final Policy POLICY = new Policy(Duration.ofMinutes(2), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2), List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)), Duration.ofMinutes(2));
  private static final String DOCUMENT = "snooze/my-project:us-central1:snooze-gpu";

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InMemoryStateStore store = new InMemoryStateStore();
  private final FakeMig mig = new FakeMig(clock);
  private final Controller controller = new Controller(POLICY, SleepMode.DELETE, store, Map.of("snooze-gpu", mig), clock, () -> UUID.randomUUID().toString());

  /** What Firestore answers when the function's service account lacks roles/datastore.user. */
  private static PermanentStoreException firestoreForbids() {
    return new PermanentStoreException("PERMISSION_DENIED", "Firestore update of " + DOCUMENT
        + " failed with PERMISSION_DENIED: Missing or insufficient permissions.", null);
  }

  /** A newer deployment wrote the state document. */
  private static UnreadableStateException unreadable() {
    return new UnreadableStateException(DOCUMENT, "schemaVersion", "is Long 2; this build reads only version 1");
  }

  private static StoreUnavailableException firestoreUnavailable() {
    return new StoreUnavailableException("Firestore read of " + DOCUMENT + " failed with UNAVAILABLE", null);
  }

  private static CloudEvent message(String messageId) {
    String data = "{\"message\":{\"messageId\":\"" + messageId + "\",\"publishTime\":\"" + NOW + "\"}}";
    return CloudEventBuilder.v1()
        .withId(messageId)
        .withSource(URI.create("//pubsub.googleapis.com/projects/my-project/topics/snooze-activity"))
        .withType(ActivityMessages.EVENT_TYPE)
        .withDataContentType("application/json")
        .withData(data.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private void wake(String messageId) {
    new Wake(controller, clock).accept(message(messageId));
  }

  static Stream<PermanentFailure> storeRefusals() {
    return Stream.of(firestoreForbids(), unreadable());
  }

  @ParameterizedTest
  @MethodSource("storeRefusals")
  void wakeAcknowledgesAMessageTheStoreRefusesAndChangesNothing(PermanentFailure refusal) {
    store.failNext(refusal);

    wake("m-1"); // returns: Pub/Sub gets a 2xx and never redelivers the message

    assertThat(store.writes()).isZero();
    assertThat(mig.wakeCalls()).isZero();
    wake("m-2");
    assertThat(mig.wakeCalls()).as("the next message, once the store answers, wakes the GPU").isEqualTo(1);
  }

  @Test
  void wakeFailsTheDeliveryWhileFirestoreOrComputeIsUnavailableSoThatPubSubRedelivers() {
    store.failNext(firestoreUnavailable());
    assertThatThrownBy(() -> wake("m-1")).isInstanceOf(StoreUnavailableException.class);
    assertThat(mig.wakeCalls()).isZero();

    mig.failNextTransient();
    assertThatThrownBy(() -> wake("m-1")).isInstanceOf(TransientComputeException.class);

    wake("m-1"); // the redelivery finishes the wake it claimed
    assertThat(mig.observe().targetSize()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("storeRefusals")
  void statusAndSleepAnswer500NamingAStoreRefusalAndItsCode(PermanentFailure refusal) throws Exception {
    for (Answer answer : List.of(status(refusal), sleep(refusal))) {
      assertThat(answer.status()).isEqualTo(500);
      assertThat(answer.json().get("code").getAsString()).isEqualTo(refusal.code());
      assertThat(answer.json().get("error").getAsString()).isEqualTo(refusal.getMessage()).contains(DOCUMENT);
      assertThat(answer.retryAfter()).isNull();
    }
  }

  @Test
  void sleepAnswers500NamingAComputeRefusalAndItsCode() throws Exception {
    mig.failNextPermanent("NOT_FOUND");

    Answer answer = answer(new Sleep(controller), "POST");

    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.json().get("code").getAsString()).isEqualTo("NOT_FOUND");
    assertThat(store.read().lastError().code()).as("shown by Status too").isEqualTo("NOT_FOUND");
  }

  @Test
  void statusAndSleepAnswer503WithRetryAfterWhileFirestoreIsUnavailable() throws Exception {
    for (Answer answer : List.of(status(firestoreUnavailable()), sleep(firestoreUnavailable()))) {
      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.retryAfter()).isEqualTo("10");
      assertThat(answer.json().get("error").getAsString()).startsWith("temporarily unavailable: ")
          .contains("UNAVAILABLE");
    }
  }

  private record Answer(int status, JsonObject json, String retryAfter) {}

  private Answer status(RuntimeException storeFailure) throws Exception {
    store.failNext(storeFailure);
    return answer(new Status(controller), "GET");
  }

  private Answer sleep(RuntimeException storeFailure) throws Exception {
    store.failNext(storeFailure);
    return answer(new Sleep(controller), "POST");
  }

  private static Answer answer(HttpFunction function, String method) throws Exception {
    TestHttp.Response response = new TestHttp.Response();
    function.service(new TestHttp.Request(method), response);
    assertThat(response.getContentType()).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    return new Answer(response.status(), JsonParser.parseString(response.body()).getAsJsonObject(),
        response.header("Retry-After").orElse(null));
  }
}
