package dev.snooze.functions.budget;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.functions.state.SnoozeState.Billing;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads a Cloud Billing budget notification's body (schema 1.0: {@code budgetDisplayName},
 * {@code costAmount}, {@code budgetAmount}, {@code currencyCode}, {@code costIntervalStart}, …).
 * Strict: a notice without a number for both amounts is refused, so that a malformed one can never
 * lift or impose a cap.
 */
public final class BillingNotice {
  private BillingNotice() {}

  /** @throws IllegalArgumentException saying what is missing or wrong */
  public static Billing parse(String body, Instant publishedAt) {
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(body);
      if (!parsed.isJsonObject()) {
        throw new IllegalArgumentException("the body is not a JSON object");
      }
      json = parsed.getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e instanceof IllegalArgumentException ? e.getMessage()
          : "the body is not JSON: " + e.getMessage());
    }
    double cost = amount(json, "costAmount");
    double budget = amount(json, "budgetAmount");
    Instant start = null;
    if (json.has("costIntervalStart") && !json.get("costIntervalStart").isJsonNull()) {
      try {
        start = Instant.parse(json.get("costIntervalStart").getAsString());
      } catch (DateTimeParseException | UnsupportedOperationException | IllegalStateException e) {
        throw new IllegalArgumentException("costIntervalStart " + json.get("costIntervalStart") + " is not an RFC 3339 time");
      }
    }
    return new Billing(text(json, "budgetDisplayName"), cost, budget, text(json, "currencyCode"), start, publishedAt);
  }

  private static double amount(JsonObject json, String field) {
    JsonElement value = json.get(field);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw new IllegalArgumentException(field + " is " + (value == null ? "missing" : value) + ", expected a number");
    }
    double amount = value.getAsDouble();
    if (!(amount >= 0) || Double.isInfinite(amount)) {
      throw new IllegalArgumentException(field + " is " + value + ", expected 0 or more");
    }
    return amount;
  }

  private static String text(JsonObject json, String field) {
    JsonElement value = json.get(field);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
  }
}
