package dev.snooze.frontend.budget;

import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The GPU budget is used up, as the Status function says it: its {@code budget.exhausted} is
 * true (whatever the phase: an awake GPU drains, its requests in flight finish and new ones are
 * refused), or, from a function that sends no budget object, its phase is {@code OVER_BUDGET}.
 *
 * @param reason Status's {@code budget.reason}, in words for the person who sent the request
 * @param resetsAt Status's {@code budget.resetsAt}; null when it names none
 */
public record OverBudget(String reason, Instant resetsAt) {
  public static final String PHASE = "OVER_BUDGET";
  /** What a refusal is called in answers ({@code code}, OpenAI's {@code type}) and in the request log. */
  public static final String CODE = "over_budget";
  static final String SOME_REASON = "the GPU budget is used up";
  /** Retry-After when Status names no reset: a guess, asked again soon rather than in hours. */
  static final long UNKNOWN_RESET_SECONDS = 60;

  /** What Status's JSON says of the budget: the budget used up, or null (within it, or not said). */
  public static OverBudget of(JsonObject function) {
    if (function == null) {
      return null;
    }
    if (function.getValue("budget") instanceof JsonObject budget) {
      if (!Boolean.TRUE.equals(budget.getValue("exhausted"))) {
        return null;
      }
      String reason = budget.getValue("reason") instanceof String text && !text.isBlank() ? text : SOME_REASON;
      return new OverBudget(reason, instant(budget.getValue("resetsAt")));
    }
    return PHASE.equals(function.getValue("phase")) ? new OverBudget(SOME_REASON, null) : null;
  }

  /** Still used up at {@code now}: a reading from before the reset says nothing after it. */
  public boolean at(Instant now) {
    return resetsAt == null || now.isBefore(resetsAt);
  }

  /** Whole seconds until the reset, rounded up, at least 1 (Retry-After). */
  public long retryAfterSeconds(Instant now) {
    if (resetsAt == null) {
      return UNKNOWN_RESET_SECONDS;
    }
    Duration left = Duration.between(now, resetsAt);
    long seconds = left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  private static Instant instant(Object value) {
    if (!(value instanceof String text)) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeException e) {
      return null;
    }
  }
}
