package dev.snooze.frontend.proxy;

import dev.snooze.frontend.budget.OverBudget;
import dev.snooze.frontend.reply.JsonReplies;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The answer to a request refused because the GPU budget is used up: {@code 503},
 * {@code Retry-After} until the budget resets, and Status's reason in the error shape the
 * request's API reads:
 * <ul>
 *   <li>the OpenAI-compatible API ({@code /v1/}): OpenAI's error object,
 *       {@code {"error":{"message":reason,"type":"over_budget","code":"over_budget"}}};</li>
 *   <li>any other (Ollama's {@code /api/}): the frontend's own, as its other 503s,
 *       {@code {"error":reason,"code":"over_budget","phase":"OVER_BUDGET","retryAfterSeconds":N,"resetsAt":"…Z"|null}}.</li>
 * </ul>
 * Never held: the wake it would wait for will not come. The body, if still unread, is dropped.
 */
final class OverBudgetReply {
  static final String OPENAI_PREFIX = "/v1/";

  private OverBudgetReply() {}

  static void answer(HttpServerRequest request, String path, OverBudget over, Instant now) {
    long retryAfter = over.retryAfterSeconds(now);
    request.response().putHeader("Retry-After", Long.toString(retryAfter));
    JsonReplies.refuse(request, 503, body(path, over, retryAfter));
  }

  static JsonObject body(String path, OverBudget over, long retryAfterSeconds) {
    if (path.startsWith(OPENAI_PREFIX)) {
      return JsonReplies.openAiErrorBody(over.reason(), OverBudget.CODE, OverBudget.CODE);
    }
    return JsonReplies.errorBody(over.reason())
        .put("code", OverBudget.CODE)
        .put("phase", OverBudget.PHASE)
        .put("retryAfterSeconds", retryAfterSeconds)
        .put("resetsAt", over.resetsAt() == null ? null : over.resetsAt().toString());
  }
}
