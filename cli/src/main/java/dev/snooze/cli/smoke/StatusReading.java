package dev.snooze.cli.smoke;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.snooze.activity.ActivityMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What the smoke reads from Status: the phase, the boot stage and the last error. Read from either
 * the Status function's own JSON ({@code StatusView}) or the frontend's {@code /snooze/status},
 * which carries it as {@code function}; every field but the phase is optional, so a newer Status
 * (more phases, more fields) still reads.
 *
 * @param offer the MIG of the offer being woken or serving; null while asleep or when not shown
 * @param stage the current boot stage's name; null when Status shows no wake under way
 * @param stages every boot stage, in order, as Status shows them; empty when none
 * @param etaSeconds expected seconds until ready; null when not shown
 * @param lastError {@code code: message}; null when none
 * @param budget the budget as Status shows it, in brief; null when not shown
 */
record StatusReading(String phase, String offer, String stage, List<Stage> stages, Long etaSeconds, String lastError,
    String budget) {

  static final String ASLEEP = "ASLEEP";
  static final String WAKING = "WAKING";
  static final String AWAKE = "AWAKE";
  static final String SLEEPING = "SLEEPING";
  static final String ERROR = "ERROR";
  static final String OVER_BUDGET = "OVER_BUDGET";

  /** One boot stage: {@code state} is done, current or pending; {@code seconds} when known. */
  record Stage(String name, String state, Double seconds) {}

  /** The body is not Status at all (a wrong URL, a proxy's page). */
  static final class NotStatus extends Exception {
    NotStatus(String message) {
      super(message);
    }
  }

  /** @return null when the frontend answered but has no Status to show ({@code "function": null}) */
  static StatusReading parse(JsonObject body) throws NotStatus {
    JsonObject view;
    if (body.has("phase")) {
      view = body;
    } else if (body.has("function")) {
      JsonElement function = body.get("function");
      if (!function.isJsonObject()) {
        return null;
      }
      view = function.getAsJsonObject();
    } else {
      throw new NotStatus("not Snooze's Status (no phase, no function): " + ActivityMessage.brief(body.toString()));
    }
    String phase = string(view, "phase");
    if (phase == null) {
      throw new NotStatus("Status shows no phase: " + ActivityMessage.brief(view.toString()));
    }
    String stage = null;
    Long eta = null;
    List<Stage> stages = new ArrayList<>();
    JsonElement boot = view.get("boot");
    if (boot != null && boot.isJsonObject()) {
      JsonObject b = boot.getAsJsonObject();
      stage = string(b, "stage");
      JsonElement etaSeconds = b.get("etaSeconds");
      eta = number(etaSeconds) ? etaSeconds.getAsLong() : null;
      JsonElement list = b.get("stages");
      if (list != null && list.isJsonArray()) {
        for (JsonElement entry : list.getAsJsonArray()) {
          if (entry.isJsonObject() && string(entry.getAsJsonObject(), "name") != null) {
            JsonObject s = entry.getAsJsonObject();
            stages.add(new Stage(string(s, "name"), string(s, "state"),
                number(s.get("seconds")) ? s.get("seconds").getAsDouble() : null));
          }
        }
      }
    }
    return new StatusReading(phase, string(view, "offer"), stage, List.copyOf(stages), eta, lastError(view), budget(view));
  }

  /** For people: {@code WAKING, stage pulling-image, ETA 40 s, last error CAPACITY: …}. */
  String describe() {
    StringBuilder text = new StringBuilder(phase);
    if (stage != null) {
      text.append(", stage ").append(stage);
    }
    if (etaSeconds != null && !AWAKE.equals(phase)) {
      text.append(", ETA ").append(etaSeconds).append(" s");
    }
    if (lastError != null) {
      text.append(", last error ").append(lastError);
    }
    return text.toString();
  }

  /** Why the budget stops the wake, as well as Status says it. */
  String budgetReason() {
    if (lastError != null) {
      return lastError;
    }
    return budget != null ? budget : "the budget is exhausted";
  }

  private static String lastError(JsonObject view) {
    JsonElement error = view.get("lastError");
    if (error == null || !error.isJsonObject()) {
      return null;
    }
    String code = string(error.getAsJsonObject(), "code");
    String message = string(error.getAsJsonObject(), "message");
    if (code == null && message == null) {
      return null;
    }
    return ActivityMessage.brief((code == null ? "" : code + ": ") + (message == null ? "" : message));
  }

  private static String budget(JsonObject view) {
    JsonElement budget = view.get("budget");
    if (budget == null || budget.isJsonNull()) {
      return null;
    }
    if (budget.isJsonObject()) {
      for (String field : new String[] {"reason", "message", "reached"}) {
        String text = string(budget.getAsJsonObject(), field);
        if (text != null) {
          return ActivityMessage.brief(text);
        }
      }
    }
    return ActivityMessage.brief(budget.toString());
  }

  private static boolean number(JsonElement value) {
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber();
  }

  private static String string(JsonObject json, String field) {
    JsonElement value = json.get(field);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
  }
}
