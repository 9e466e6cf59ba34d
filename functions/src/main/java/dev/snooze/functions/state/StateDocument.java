package dev.snooze.functions.state;

import com.google.cloud.Timestamp;
import dev.snooze.boot.BootStage;
import dev.snooze.functions.state.FirestoreStateStore.UnreadableStateException;
import dev.snooze.functions.state.SnoozeState.Claim;
import dev.snooze.functions.state.SnoozeState.ClaimKind;
import dev.snooze.functions.state.SnoozeState.EventKind;
import dev.snooze.functions.state.SnoozeState.HistoryEvent;
import dev.snooze.functions.state.SnoozeState.LastError;
import dev.snooze.functions.state.SnoozeState.OfferRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SnoozeState} to and from the field map of its Firestore document, following the schema
 * documented on {@link SnoozeState}.
 *
 * <p>Writing: every field is always present, absent values as explicit nulls, so the document
 * shows its whole shape in the console and a full {@code set} leaves nothing stale behind.
 * Instants become Firestore Timestamps truncated to microseconds, which is all Firestore keeps:
 * truncating here makes emulator and production store the same value. Enums are their names.
 *
 * <p>Reading is strict: a wrong type, an unknown enum name or a missing required field is an
 * {@link UnreadableStateException} naming the document and the field, never a silent reset. An
 * optional field may be null or absent.
 */
final class StateDocument {
  static final String SCHEMA_VERSION = "schemaVersion";
  static final String PHASE = "phase";
  static final String PHASE_SINCE = "phaseSince";
  static final String LAST_ACTIVITY = "lastActivity";
  static final String LAST_SOURCE = "lastSource";
  /** Version 3 and before: the newest report's count and time, not each frontend's. */
  static final String IN_FLIGHT = "inFlight";
  static final String IN_FLIGHT_AT = "inFlightAt";
  static final String FRONTENDS = "frontends";
  static final String SIZE = "size";
  static final String NEEDED = "needed";
  static final String CLAIM = "claim";
  static final String LAST_ERROR = "lastError";
  static final String HISTORY = "history";
  static final String OFFER = "offer";
  static final String OFFER_SINCE = "offerSince";
  static final String WOKE_AT = "wokeAt";
  static final String OFFERS = "offers";
  static final String LEDGER = "ledger";
  static final String BILLING = "billing";
  /** Before GPU offers: the same document without their fields. */
  static final long FIRST_VERSION = 1;

  private StateDocument() {}

  static Map<String, Object> toFields(SnoozeState state) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(SCHEMA_VERSION, (long) SnoozeState.SCHEMA_VERSION);
    fields.put(PHASE, state.phase().name());
    fields.put(PHASE_SINCE, timestamp(state.phaseSince()));
    fields.put(LAST_ACTIVITY, timestamp(state.lastActivity()));
    fields.put(LAST_SOURCE, state.lastSource());
    List<Map<String, Object>> frontends = new ArrayList<>();
    for (SnoozeState.Report report : state.frontends()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("source", report.source());
      map.put("inFlight", (long) report.inFlight());
      map.put("at", timestamp(report.at()));
      frontends.add(map);
    }
    fields.put(FRONTENDS, frontends);
    fields.put(CLAIM, claim(state.claim()));
    fields.put(LAST_ERROR, lastError(state.lastError()));
    List<Map<String, Object>> history = new ArrayList<>();
    for (HistoryEvent event : state.history()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("kind", name(event.kind()));
      map.put("at", timestamp(event.at()));
      map.put("reason", event.reason());
      history.add(map);
    }
    fields.put(HISTORY, history);
    fields.put(OFFER, state.offer());
    fields.put(OFFER_SINCE, timestamp(state.offerSince()));
    fields.put(WOKE_AT, timestamp(state.wokeAt()));
    List<Map<String, Object>> offers = new ArrayList<>();
    for (OfferRecord offer : state.offers()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("mig", offer.mig());
      map.put("lastFailure", lastError(offer.lastFailure()));
      List<Map<String, Object>> boots = new ArrayList<>();
      for (BootSample boot : offer.boots()) {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("mode", boot.mode());
        sample.put("at", timestamp(boot.at()));
        Map<String, Object> seconds = new LinkedHashMap<>();
        boot.took().forEach((stage, took) -> seconds.put(stage.wire(), took.toMillis() / 1000.0));
        sample.put("seconds", seconds);
        boots.add(sample);
      }
      map.put("boots", boots);
      offers.add(map);
    }
    fields.put(OFFERS, offers);
    fields.put(LEDGER, ledger(state.ledger()));
    fields.put(BILLING, billing(state.billing()));
    fields.put(SIZE, (long) state.size());
    fields.put(NEEDED, state.needed().stream().map(StateDocument::timestamp).toList());
    return fields;
  }

  private static Map<String, Object> ledger(Ledger ledger) {
    List<Map<String, Object>> open = new ArrayList<>();
    for (Ledger.Open charged : ledger.open()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("mig", charged.mig());
      map.put("since", timestamp(charged.since()));
      map.put("size", (long) charged.size());
      open.add(map);
    }
    List<Map<String, Object>> days = new ArrayList<>();
    for (Ledger.Day day : ledger.days()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("date", day.date().toString());
      map.put("millis", new java.util.TreeMap<String, Object>(day.millis()));
      days.add(map);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("open", open);
    map.put("days", days);
    return map;
  }

  private static Map<String, Object> billing(SnoozeState.Billing billing) {
    if (billing == null) {
      return null;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("budget", billing.budget());
    map.put("costAmount", billing.costAmount());
    map.put("budgetAmount", billing.budgetAmount());
    map.put("currency", billing.currency());
    map.put("intervalStart", timestamp(billing.intervalStart()));
    map.put("at", timestamp(billing.at()));
    return map;
  }

  private static Map<String, Object> claim(Claim claim) {
    if (claim == null) {
      return null;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", claim.id());
    map.put("kind", claim.kind().name());
    map.put("at", timestamp(claim.at()));
    map.put("messageId", claim.messageId());
    return map;
  }

  private static Map<String, Object> lastError(LastError error) {
    if (error == null) {
      return null;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("code", error.code());
    map.put("message", error.message());
    map.put("at", timestamp(error.at()));
    return map;
  }

  private static Timestamp timestamp(Instant instant) {
    if (instant == null) {
      return null;
    }
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    return Timestamp.ofTimeSecondsAndNanos(micros.getEpochSecond(), micros.getNano());
  }

  private static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }

  /** Reads the fields of {@code document} (its path, for messages). */
  static SnoozeState fromFields(String document, Map<String, Object> fields) {
    return new Reader(document, "").state(fields);
  }

  /** Typed access to one map of the document; {@code prefix} names nested fields in messages. */
  private record Reader(String document, String prefix) {

    SnoozeState state(Map<String, Object> fields) {
      Object version = fields.get(SCHEMA_VERSION);
      if (!(version instanceof Long v) || v < FIRST_VERSION || v > SnoozeState.SCHEMA_VERSION) {
        throw new UnreadableStateException(
            document, SCHEMA_VERSION,
            "is " + describe(version) + "; this build reads versions " + FIRST_VERSION + " to "
                + SnoozeState.SCHEMA_VERSION
                + " (a newer deployment may have written it: deploy the newer functions everywhere)");
      }
      List<HistoryEvent> history = new ArrayList<>();
      List<?> events = required(fields, HISTORY, List.class);
      for (int i = 0; i < events.size(); i++) {
        String field = HISTORY + "[" + i + "]";
        Map<String, Object> map = asMap(events.get(i), field);
        Reader event = nested(field);
        history.add(new HistoryEvent(
            event.enumValue(map, "kind", EventKind.class, false),
            event.instant(map, "at", false),
            event.optional(map, "reason", String.class)));
      }
      return new SnoozeState(
          enumValue(fields, PHASE, Phase.class, true),
          instant(fields, PHASE_SINCE, true),
          instant(fields, LAST_ACTIVITY, false),
          optional(fields, LAST_SOURCE, String.class),
          frontends(fields),
          claim(fields),
          lastError(fields, LAST_ERROR),
          history,
          optional(fields, OFFER, String.class),
          instant(fields, OFFER_SINCE, false),
          instant(fields, WOKE_AT, false),
          offers(fields),
          ledger(fields),
          billing(fields),
          fields.containsKey(SIZE) ? nonNegative(fields, SIZE) : 0,
          needed(fields));
    }

    /** Version 3 and before kept one count, the newest report's: it becomes that source's report. */
    private List<SnoozeState.Report> frontends(Map<String, Object> fields) {
      List<SnoozeState.Report> reports = new ArrayList<>();
      List<?> items = optional(fields, FRONTENDS, List.class);
      if (items == null) {
        Instant at = instant(fields, IN_FLIGHT_AT, false);
        if (at != null) {
          String source = optional(fields, LAST_SOURCE, String.class);
          reports.add(new SnoozeState.Report(source == null ? "unknown" : source, nonNegative(fields, IN_FLIGHT), at));
        }
        return reports;
      }
      for (int i = 0; i < items.size(); i++) {
        String field = FRONTENDS + "[" + i + "]";
        Map<String, Object> map = asMap(items.get(i), field);
        Reader report = nested(field);
        reports.add(new SnoozeState.Report(report.required(map, "source", String.class),
            report.nonNegative(map, "inFlight"), report.instant(map, "at", true)));
      }
      return reports;
    }

    /** Absent before version 4: no VM count needed yet. */
    private List<Instant> needed(Map<String, Object> fields) {
      List<Instant> needed = new ArrayList<>();
      List<?> items = optional(fields, NEEDED, List.class);
      if (items == null) {
        return needed;
      }
      for (int i = 0; i < items.size(); i++) {
        if (!(items.get(i) instanceof Timestamp at)) {
          throw unreadable(NEEDED + "[" + i + "]", "is " + describe(items.get(i)) + ", expected a timestamp");
        }
        needed.add(Instant.ofEpochSecond(at.getSeconds(), at.getNanos()));
      }
      return needed;
    }

    private int nonNegative(Map<String, Object> map, String field) {
      int value = intValue(map, field);
      if (value < 0) {
        throw unreadable(field, "is " + value + ", expected 0 or more");
      }
      return value;
    }

    /** Absent before version 3: nothing counted yet (the old per-offer seconds are left behind). */
    private Ledger ledger(Map<String, Object> fields) {
      Object value = fields.get(LEDGER);
      if (value == null) {
        return Ledger.EMPTY;
      }
      Map<String, Object> map = asMap(value, LEDGER);
      Reader ledger = nested(LEDGER);
      List<Ledger.Open> open = new ArrayList<>();
      List<?> charges = ledger.required(map, "open", List.class);
      for (int i = 0; i < charges.size(); i++) {
        String field = "open[" + i + "]";
        Map<String, Object> charge = asMap(charges.get(i), LEDGER + "." + field);
        Reader reader = ledger.nested(field);
        open.add(new Ledger.Open(reader.required(charge, "mig", String.class), reader.instant(charge, "since", true),
            reader.intValue(charge, "size")));
      }
      List<Ledger.Day> days = new ArrayList<>();
      List<?> items = ledger.required(map, "days", List.class);
      for (int i = 0; i < items.size(); i++) {
        String field = "days[" + i + "]";
        Map<String, Object> day = asMap(items.get(i), LEDGER + "." + field);
        Reader reader = ledger.nested(field);
        String date = reader.required(day, "date", String.class);
        java.time.LocalDate parsed;
        try {
          parsed = java.time.LocalDate.parse(date);
        } catch (java.time.format.DateTimeParseException e) {
          throw reader.unreadable("date", "is \"" + date + "\", expected a date such as 2026-12-03");
        }
        Map<String, Long> millis = new LinkedHashMap<>();
        asMap(reader.required(day, "millis", Map.class), LEDGER + "." + field + ".millis").forEach((mig, ms) -> {
          if (!(ms instanceof Long count) || count < 0) {
            throw reader.unreadable("millis." + mig, "is " + describe(ms) + ", expected milliseconds (0 or more)");
          }
          millis.put(mig, count);
        });
        days.add(new Ledger.Day(parsed, millis));
      }
      return new Ledger(open, days);
    }

    private SnoozeState.Billing billing(Map<String, Object> fields) {
      Object value = fields.get(BILLING);
      if (value == null) {
        return null;
      }
      Map<String, Object> map = asMap(value, BILLING);
      Reader billing = nested(BILLING);
      return new SnoozeState.Billing(
          billing.optional(map, "budget", String.class),
          billing.required(map, "costAmount", Double.class),
          billing.required(map, "budgetAmount", Double.class),
          billing.optional(map, "currency", String.class),
          billing.instant(map, "intervalStart", false),
          billing.instant(map, "at", true));
    }

    /** Absent in version 1: no offer has a record yet. */
    private List<OfferRecord> offers(Map<String, Object> fields) {
      List<OfferRecord> offers = new ArrayList<>();
      List<?> items = optional(fields, OFFERS, List.class);
      if (items == null) {
        return offers;
      }
      for (int i = 0; i < items.size(); i++) {
        String field = OFFERS + "[" + i + "]";
        Map<String, Object> map = asMap(items.get(i), field);
        Reader offer = nested(field);
        offers.add(new OfferRecord(
            offer.required(map, "mig", String.class),
            offer.lastError(map, "lastFailure"),
            offer.boots(map)));
      }
      return offers;
    }

    /** Absent before boot stages were learned: no past wake. A stage this version does not know is skipped. */
    private List<BootSample> boots(Map<String, Object> offer) {
      List<BootSample> boots = new ArrayList<>();
      List<?> items = optional(offer, "boots", List.class);
      if (items == null) {
        return boots;
      }
      for (int i = 0; i < items.size(); i++) {
        String field = "boots[" + i + "]";
        Map<String, Object> map = asMap(items.get(i), field);
        Reader boot = nested(field);
        Map<String, Object> seconds = asMap(boot.required(map, "seconds", Map.class), field + ".seconds");
        Map<BootStage, Duration> took = new EnumMap<>(BootStage.class);
        seconds.forEach((stage, value) -> BootStage.fromWire(stage).ifPresent(known -> {
          if (!(value instanceof Number number) || number.doubleValue() < 0) {
            throw boot.unreadable("seconds." + stage, "is " + describe(value) + ", expected a number of seconds");
          }
          took.put(known, Duration.ofMillis(Math.round(number.doubleValue() * 1000)));
        }));
        boots.add(new BootSample(boot.required(map, "mode", String.class), boot.instant(map, "at", true), took));
      }
      return boots;
    }

    private Claim claim(Map<String, Object> fields) {
      Object value = fields.get(CLAIM);
      if (value == null) {
        return null;
      }
      Reader claim = nested(CLAIM);
      Map<String, Object> map = asMap(value, CLAIM);
      return new Claim(
          claim.required(map, "id", String.class),
          claim.enumValue(map, "kind", ClaimKind.class, true),
          claim.instant(map, "at", true),
          claim.optional(map, "messageId", String.class));
    }

    private LastError lastError(Map<String, Object> fields, String field) {
      Object value = fields.get(field);
      if (value == null) {
        return null;
      }
      Reader error = nested(field);
      Map<String, Object> map = asMap(value, field);
      return new LastError(
          error.optional(map, "code", String.class),
          error.optional(map, "message", String.class),
          error.instant(map, "at", false));
    }

    private Reader nested(String field) {
      return new Reader(document, prefix + field + ".");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(Object value, String field) {
      if (value instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
      throw unreadable(field, "is " + describe(value) + ", expected a map");
    }

    private int intValue(Map<String, Object> map, String field) {
      long value = required(map, field, Long.class);
      if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
        throw unreadable(field, "is " + value + ", out of int range");
      }
      return (int) value;
    }

    private Instant instant(Map<String, Object> map, String field, boolean required) {
      Timestamp value = required ? required(map, field, Timestamp.class) : optional(map, field, Timestamp.class);
      return value == null ? null : Instant.ofEpochSecond(value.getSeconds(), value.getNanos());
    }

    private <E extends Enum<E>> E enumValue(Map<String, Object> map, String field, Class<E> type, boolean required) {
      String value = required ? required(map, field, String.class) : optional(map, field, String.class);
      if (value == null) {
        return null;
      }
      try {
        return Enum.valueOf(type, value);
      } catch (IllegalArgumentException e) {
        throw unreadable(field, "is \"" + value + "\", not a " + type.getSimpleName() + " name");
      }
    }

    private <V> V required(Map<String, Object> map, String field, Class<V> type) {
      V value = optional(map, field, type);
      if (value == null) {
        throw unreadable(field, map.containsKey(field) ? "is null but required" : "is missing but required");
      }
      return value;
    }

    private <V> V optional(Map<String, Object> map, String field, Class<V> type) {
      Object value = map.get(field);
      if (value == null || type.isInstance(value)) {
        return type.cast(value);
      }
      throw unreadable(field, "is " + describe(value) + ", expected " + type.getSimpleName());
    }

    private UnreadableStateException unreadable(String field, String problem) {
      return new UnreadableStateException(document, prefix + field, problem);
    }

    private static String describe(Object value) {
      if (value == null) {
        return "missing or null";
      }
      String text = String.valueOf(value);
      if (text.length() > 60) {
        text = text.substring(0, 60) + "...";
      }
      return value.getClass().getSimpleName() + " " + (value instanceof String ? "\"" + text + "\"" : text);
    }
  }
}
