package dev.snooze.local.compute;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * An error answer in the API's own body format:
 * {@code {"error":{"code":404,"message":"...","errors":[{"message":"...","domain":"global","reason":"notFound"}]}}}.
 * Compute's own errors carry no {@code status}; errors raised by Google's front end before the
 * request reaches Compute (bad JSON, quota, unavailability) do, so it is optional here.
 */
record ApiError(int code, String message, String domain, String reason, String status) {

  static ApiError notFound(String resourcePath) {
    return new ApiError(404, "The resource '" + resourcePath + "' was not found", "global", "notFound", null);
  }

  static ApiError required(String field) {
    return new ApiError(400, "Required field '" + field + "' not specified", "global", "required", null);
  }

  static ApiError invalid(String message) {
    return new ApiError(400, message, "global", "invalid", null);
  }

  /** A query parameter that is not of its declared type is rejected before Compute sees it. */
  static ApiError badType(String field, String type, String value) {
    return new ApiError(400, "Invalid value at '" + field + "' (" + type + "), \"" + value + "\"",
        "global", "invalid", "INVALID_ARGUMENT");
  }

  static ApiError badJson(String detail) {
    return new ApiError(400, "Invalid JSON payload received. " + detail, "global", "parseError", "INVALID_ARGUMENT");
  }

  static ApiError unknownField(String name) {
    return new ApiError(400, "Invalid JSON payload received. Unknown name \"" + name + "\": Cannot find field.",
        "global", "invalid", "INVALID_ARGUMENT");
  }

  /** The bodies the injected faults answer with, one per status the API uses for them. */
  static ApiError injected(int status, String project) {
    return switch (status) {
      case 429 -> new ApiError(429,
          "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service "
              + "'compute.googleapis.com' for consumer 'project_number:" + projectNumber(project) + "'.",
          "usageLimits", "rateLimitExceeded", "RESOURCE_EXHAUSTED");
      case 500 -> new ApiError(500,
          "Internal error. Please try again or contact Google Support. (Code: '"
              + Long.toUnsignedString(ComputeState.newId() % 100_000_000_000L, 36) + "')",
          "global", "backendError", null);
      case 503 -> new ApiError(503, "The service is currently unavailable.", "global", "backendError", "UNAVAILABLE");
      default -> new ApiError(status, "Injected failure.", "global", "backendError", null);
    };
  }

  /** For a request the simulator failed to handle; the API's answer to its own bugs. */
  static ApiError internal() {
    return injected(500, "");
  }

  String toJson() {
    JsonObject item = new JsonObject();
    item.addProperty("message", message);
    item.addProperty("domain", domain);
    item.addProperty("reason", reason);
    JsonArray errors = new JsonArray();
    errors.add(item);
    JsonObject error = new JsonObject();
    error.addProperty("code", code);
    error.addProperty("message", message);
    error.add("errors", errors);
    if (status != null) {
      error.addProperty("status", status);
    }
    JsonObject body = new JsonObject();
    body.add("error", error);
    return body.toString();
  }

  private static String projectNumber(String project) {
    return Long.toString(Math.abs((long) project.hashCode()) + 100_000_000_000L);
  }
}
