package dev.snooze.activity;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The body of a message on the activity topic, schema version 1, written by the frontend and read
 * by the Wake function: the one definition of the format.
 *
 * <pre>
 * {"schemaVersion": 1, "source": "frontend-abc1", "kind": "request" | "heartbeat", "inFlight": 2}
 * {"schemaVersion": 1, "source": "frontend-abc1", "kind": "intent"}
 * </pre>
 *
 * An {@code intent} says a person is about to prompt (the page was opened, or typing began): it
 * wakes a sleeping GPU, and the idle timeout counts from that wake, but it never keeps an awake GPU
 * awake: Wake ignores it while the GPU is wanted.
 *
 * Published with the attribute {@code source=<instanceId>}. Any message on the topic is activity
 * at its publish time, so anyone (a test, a script) can wake the GPU by publishing anything; the
 * body only adds detail, and every field is optional when reading: a body that is not this JSON
 * loses its detail, with a warning, never the activity.
 *
 * @param inFlight requests in flight at the sender, or null when not reported
 */
public record ActivityMessage(String source, Kind kind, Integer inFlight) {
  public static final int SCHEMA_VERSION = 1;
  public static final String SOURCE_ATTRIBUTE = "source";
  /** The source of a message that does not name one. */
  public static final String UNKNOWN_SOURCE = "unknown";
  /** Parse errors and bad values can be megabytes long: warnings quote this much of them. */
  private static final int MAX_DETAIL = 200;
  private static final ActivityMessage NO_DETAIL = new ActivityMessage(UNKNOWN_SOURCE, Kind.UNSPECIFIED, null);

  public enum Kind {
    REQUEST("request"),
    HEARTBEAT("heartbeat"),
    /** A person is about to prompt: wake if asleep, never extend an awake GPU's idle time. */
    INTENT("intent"),
    /** A message that does not say (only ever read, never written). */
    UNSPECIFIED(null);

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    /** Its name in the JSON body; null for {@link #UNSPECIFIED}. */
    public String wire() {
      return wire;
    }
  }

  public ActivityMessage {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    if (inFlight != null && inFlight < 0) {
      throw new IllegalArgumentException("inFlight must not be negative: " + inFlight);
    }
  }

  /** User requests began or ended; {@code inFlight} are in flight now. */
  public static ActivityMessage request(String source, int inFlight) {
    return new ActivityMessage(source, Kind.REQUEST, inFlight);
  }

  /** Requests are still in flight. */
  public static ActivityMessage heartbeat(String source, int inFlight) {
    return new ActivityMessage(source, Kind.HEARTBEAT, inFlight);
  }

  /** A person is about to prompt (the page opened, or typing began). */
  public static ActivityMessage intent(String source) {
    return new ActivityMessage(source, Kind.INTENT, null);
  }

  public String toJson() {
    if (kind == Kind.UNSPECIFIED || (kind != Kind.INTENT && inFlight == null)) {
      throw new IllegalStateException("only intents, and requests and heartbeats with a count, are written, not " + this);
    }
    JsonObject json = new JsonObject();
    json.addProperty("schemaVersion", SCHEMA_VERSION);
    json.addProperty("source", source);
    json.addProperty("kind", kind.wire());
    if (inFlight != null) {
      json.addProperty("inFlight", inFlight);
    }
    return json.toString();
  }

  /** A body read, and what was wrong with it (nothing, usually). */
  public record Decoded(ActivityMessage message, List<String> warnings) {}

  /** Reads a body (empty: no detail, no warning); never throws. */
  public static Decoded decode(String body) {
    List<String> warnings = new ArrayList<>();
    if (body == null || body.isEmpty()) {
      return new Decoded(NO_DETAIL, warnings);
    }
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(body);
      if (!parsed.isJsonObject()) {
        throw new JsonParseException("not a JSON object");
      }
      json = parsed.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      warnings.add("message body is not Snooze activity JSON (schemaVersion " + SCHEMA_VERSION
          + "): counted as activity without detail");
      return new Decoded(NO_DETAIL, warnings);
    }
    if (json.has("schemaVersion") && !isInt(json.get("schemaVersion"), SCHEMA_VERSION)) {
      warnings.add("message body has schemaVersion " + brief(json.get("schemaVersion").toString())
          + ", expected " + SCHEMA_VERSION + ": counted as activity without detail");
      return new Decoded(NO_DETAIL, warnings);
    }
    String source = text(json, "source", warnings);
    String kindText = text(json, "kind", warnings);
    Kind kind = Kind.UNSPECIFIED;
    if (kindText != null) {
      switch (kindText) {
        case "request" -> kind = Kind.REQUEST;
        case "heartbeat" -> kind = Kind.HEARTBEAT;
        case "intent" -> kind = Kind.INTENT;
        default -> warnings.add("kind \"" + kindText + "\" is not request, heartbeat or intent: ignored");
      }
    }
    Integer inFlight = null;
    if (json.has("inFlight")) {
      JsonElement value = json.get("inFlight");
      if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
          && value.getAsDouble() >= 0 && value.getAsDouble() == Math.rint(value.getAsDouble())
          && value.getAsDouble() <= Integer.MAX_VALUE) {
        inFlight = value.getAsInt();
      } else {
        warnings.add("inFlight " + brief(value.toString()) + " is not a count: ignored");
      }
    }
    return new Decoded(new ActivityMessage(source == null ? UNKNOWN_SOURCE : source, kind, inFlight), warnings);
  }

  /** The first line of {@code text}, at most {@value #MAX_DETAIL} characters. */
  public static String brief(String text) {
    String line = String.valueOf(text).lines().findFirst().orElse("");
    return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL) + "…";
  }

  private static boolean isInt(JsonElement value, int expected) {
    return value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber() && value.getAsDouble() == expected;
  }

  private static String text(JsonObject json, String field, List<String> warnings) {
    if (!json.has(field)) {
      return null;
    }
    JsonElement value = json.get(field);
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
        && value.getAsString().length() <= MAX_DETAIL) {
      return value.getAsString();
    }
    warnings.add(field + " is not a short string: ignored");
    return null;
  }
}
