package dev.snooze.frontend.activity;

import com.google.gson.JsonObject;
import java.util.Objects;

/**
 * One activity message, schema version 1, as the Wake function reads it
 * ({@code dev.snooze.functions.activity.ActivityMessages}):
 * {@code {"schemaVersion":1,"source":"frontend-1","kind":"request","inFlight":1}}.
 * Published with the attribute {@code source=<instanceId>}.
 */
public record ActivityMessage(String source, Kind kind, int inFlight) {
  public static final int SCHEMA_VERSION = 1;
  public static final String SOURCE_ATTRIBUTE = "source";

  public enum Kind {
    REQUEST("request"),
    HEARTBEAT("heartbeat");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public ActivityMessage {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    if (inFlight < 0) {
      throw new IllegalArgumentException("inFlight must not be negative: " + inFlight);
    }
  }

  public static ActivityMessage request(String source, int inFlight) {
    return new ActivityMessage(source, Kind.REQUEST, inFlight);
  }

  public static ActivityMessage heartbeat(String source, int inFlight) {
    return new ActivityMessage(source, Kind.HEARTBEAT, inFlight);
  }

  public String toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("schemaVersion", SCHEMA_VERSION);
    json.addProperty("source", source);
    json.addProperty("kind", kind.wire());
    json.addProperty("inFlight", inFlight);
    return json.toString();
  }
}
