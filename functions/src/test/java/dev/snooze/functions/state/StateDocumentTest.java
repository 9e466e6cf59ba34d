package dev.snooze.functions.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.boot.BootStage;
import dev.snooze.functions.state.FirestoreStateStore.UnreadableStateException;
import dev.snooze.functions.state.SnoozeState.Claim;
import dev.snooze.functions.state.SnoozeState.ClaimKind;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The document mapping's refusals and the id rules, without an emulator. */
class StateDocumentTest {
  private static final String DOC = "snooze-state/p:z:m";

  private static Map<String, Object> valid() {
    SnoozeState state = SnoozeState.initial()
        .withClaim(new Claim("req-1", ClaimKind.WAKE, Instant.parse("2026-11-28T10:00:00Z"), null));
    return new HashMap<>(StateDocument.toFields(state));
  }

  private static UnreadableStateException unreadable(Map<String, Object> fields) {
    try {
      StateDocument.fromFields(DOC, fields);
    } catch (UnreadableStateException e) {
      return e;
    }
    throw new AssertionError("expected the document to be refused: " + fields);
  }

  @Test
  void missingRequiredFieldIsNamed() {
    Map<String, Object> fields = valid();
    fields.remove("phaseSince");

    UnreadableStateException e = unreadable(fields);

    assertThat(e.document()).isEqualTo(DOC);
    assertThat(e.field()).isEqualTo("phaseSince");
    assertThat(e).hasMessageContaining("is missing but required");
  }

  @Test
  void unknownEnumNamesAreRefusedWithTheirNestedPath() {
    Map<String, Object> fields = valid();
    Map<String, Object> claim = new HashMap<>(castMap(fields.get("claim")));
    claim.put("kind", "WAKEUP");
    fields.put("claim", claim);

    assertThat(unreadable(fields)).hasMessageContaining("field claim.kind is \"WAKEUP\", not a ClaimKind name");
    fields.put("claim", null);
    fields.put("phase", "HIBERNATING");
    assertThat(unreadable(fields).field()).isEqualTo("phase");
  }

  @Test
  void historyEntriesAreCheckedByIndex() {
    Map<String, Object> fields = valid();
    fields.put("history", List.of("not a map"));

    assertThat(unreadable(fields)).hasMessageContaining("field history[0] is String");
  }

  @Test
  void missingOrNonIntegerSchemaVersionIsRefused() {
    Map<String, Object> fields = valid();
    fields.remove("schemaVersion");
    assertThat(unreadable(fields).field()).isEqualTo("schemaVersion");
    fields.put("schemaVersion", 1.0);
    assertThat(unreadable(fields)).hasMessageContaining("Double 1.0");
  }

  @Test
  void absentOptionalFieldsReadAsNull() {
    Map<String, Object> fields = valid();
    fields.keySet().removeAll(List.of("lastActivity", "lastSource", "claim", "lastError"));

    assertThat(StateDocument.fromFields(DOC, fields)).isEqualTo(SnoozeState.initial());
  }

  @Test
  void documentIdJoinsProjectLocationAndMig() {
    assertThat(FirestoreStateStore.documentId("my-project", "us-central1-a", "gpu-l4")).isEqualTo("my-project:us-central1-a:gpu-l4");
    assertThat(FirestoreStateStore.documentId("example.com:my-project", "europe-west4", "gpu"))
        .isEqualTo("example.com:my-project:europe-west4:gpu");
    assertThatThrownBy(() -> FirestoreStateStore.documentId("my-project", "zones/us-central1-a", "gpu"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("location");
    assertThatThrownBy(() -> FirestoreStateStore.documentId("my-project", "us-central1-a", "GPU:1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mig");
    assertThatThrownBy(() -> FirestoreStateStore.documentId(null, "us-central1-a", "gpu"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project");
  }

  @Test
  void collectionNamesFollowFirestoreRules() {
    assertThat(FirestoreStateStore.validateCollection("snooze-state")).isEqualTo("snooze-state");
    for (String bad : new String[] {null, "", " ", "a/b", ".", "..", "__state__", " state"}) {
      assertThatThrownBy(() -> FirestoreStateStore.validateCollection(bad))
          .as(String.valueOf(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return (Map<String, Object>) value;
  }

  @Test
  void offersRoundTripAndAVersionOneDocumentReadsWithoutThem() {
    Instant at = Instant.parse("2026-11-28T10:00:00Z");
    SnoozeState state = SnoozeState.initial()
        .withOffer("l4", at).withWokeAt(at.minusSeconds(5))
        .withOfferRecord(new SnoozeState.OfferRecord("l4-spot",
            new SnoozeState.LastError("ZONE_RESOURCE_POOL_EXHAUSTED", "no L4", at.minusSeconds(3)), List.of()))
        .withOfferRecord(new SnoozeState.OfferRecord("l4", null, List.of(new BootSample("STOP", at,
            Map.of(BootStage.PROVISIONING, Duration.ofMillis(31_250), BootStage.LOADING_MODEL, Duration.ofSeconds(45))))));

    assertThat(StateDocument.fromFields(DOC, StateDocument.toFields(state))).isEqualTo(state);

    Map<String, Object> v1 = valid();
    v1.put("schemaVersion", 1L);
    v1.keySet().removeAll(List.of("offer", "offerSince", "wokeAt", "offers"));
    SnoozeState read = StateDocument.fromFields(DOC, v1);
    assertThat(read.offer()).isNull();
    assertThat(read.offers()).isEmpty();
    assertThat(read.claim().id()).isEqualTo("req-1");
  }

  @Test
  void theLedgerAndTheBillingNoticeRoundTripAndAMalformedDayIsNamed() {
    Instant at = Instant.parse("2026-12-07T10:00:00Z");
    SnoozeState state = SnoozeState.initial()
        .withLedger(Ledger.EMPTY.opened("l4", at.minusSeconds(90_000), 1).closed("l4", at, java.time.ZoneId.of("Europe/Warsaw"))
            .opened("l4-spot", at.plusSeconds(5), 2))
        .withBilling(new SnoozeState.Billing("b", 1.5, 50, "EUR", at.minusSeconds(86_400), at));
    assertThat(StateDocument.fromFields(DOC, StateDocument.toFields(state))).isEqualTo(state);

    Map<String, Object> fields = StateDocument.toFields(state);
    Map<String, Object> ledger = castMap(fields.get("ledger"));
    Map<String, Object> day = new java.util.LinkedHashMap<>(castMap(((List<?>) ledger.get("days")).get(0)));
    day.put("date", "07/12/2026");
    Map<String, Object> broken = new java.util.LinkedHashMap<>(ledger);
    broken.put("days", List.of(day));
    fields.put("ledger", broken);
    assertThatThrownBy(() -> StateDocument.fromFields(DOC, fields))
        .hasMessageContaining("ledger.days[0].date")
        .hasMessageContaining("expected a date such as 2026-12-03");
  }

  @Test
  void eachFrontendsReportAndTheScaleRoundTripAndAVersionThreeDocumentKeepsItsOneCount() {
    Instant at = Instant.parse("2026-12-03T10:00:00Z");
    SnoozeState state = SnoozeState.initial()
        .withReport(new SnoozeState.Report("fe-a", 5, at))
        .withReport(new SnoozeState.Report("fe-b", 4, at.plusSeconds(2)))
        .withSize(3)
        .withNeeded(List.of(at.plusSeconds(2), at.plusSeconds(2), at));
    assertThat(StateDocument.fromFields(DOC, StateDocument.toFields(state))).isEqualTo(state);
    assertThat(state.inFlight(at.plusSeconds(3), Duration.ofMinutes(2))).isEqualTo(9);

    Map<String, Object> v3 = valid();
    v3.put("schemaVersion", 3L);
    v3.keySet().removeAll(List.of("frontends", "size", "needed"));
    v3.put("inFlight", 2L);
    v3.put("inFlightAt", com.google.cloud.Timestamp.ofTimeSecondsAndNanos(at.getEpochSecond(), 0));
    v3.put("lastSource", "frontend-1");
    SnoozeState read = StateDocument.fromFields(DOC, v3);
    assertThat(read.frontends()).containsExactly(new SnoozeState.Report("frontend-1", 2, at));
    assertThat(read.size()).isZero();
    assertThat(read.needed()).isEmpty();

    Map<String, Object> broken = StateDocument.toFields(state);
    broken.put("size", -1L);
    assertThatThrownBy(() -> StateDocument.fromFields(DOC, broken)).hasMessageContaining("size")
        .hasMessageContaining("expected 0 or more");
  }
}
