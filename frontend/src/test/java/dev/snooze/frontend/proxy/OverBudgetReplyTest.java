package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.frontend.budget.OverBudget;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The over-budget answer in each API's error shape, and the latency as Cloud Logging writes it. */
class OverBudgetReplyTest {
  @RegisterExtension
  final Loopback loopback = new Loopback();
  private static final Instant NOW = Instant.parse("2026-12-03T20:47:30Z");
  private static final OverBudget OVER = new OverBudget("the budget is used up", Instant.parse("2026-12-03T23:00:00Z"));

  private HttpResponse<String> refused(String path, OverBudget over) throws Exception {
    HttpServer server = loopback.serve(request -> OverBudgetReply.answer(request, request.path(), over, NOW));
    return Loopback.CLIENT.send(HttpRequest.newBuilder(Loopback.uri(server, path))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ollamasApiGetsTheFrontendsOwnShapeWithCodePhaseAndReset() throws Exception {
    HttpResponse<String> response = refused("/api/generate", OVER);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("7950");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("error", "the budget is used up")
        .put("code", "over_budget").put("phase", "OVER_BUDGET").put("retryAfterSeconds", 7950)
        .put("resetsAt", "2026-12-03T23:00:00Z"));
  }

  @Test
  void theOpenAiApiGetsOpenAisErrorObject() throws Exception {
    HttpResponse<String> response = refused("/v1/chat/completions", new OverBudget("the budget is used up", null));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("60");
    assertThat(response.body())
        .isEqualTo("{\"error\":{\"message\":\"the budget is used up\",\"type\":\"over_budget\",\"code\":\"over_budget\"}}");
  }

  @Test
  void latencyIsSecondsWithThreeDecimals() {
    assertThat(RequestLog.seconds(5_120_000_000L)).isEqualTo("5.120");
    assertThat(RequestLog.seconds(0)).isEqualTo("0.000");
    assertThat(RequestLog.seconds(1_499_999)).isEqualTo("0.001");
    assertThat(RequestLog.seconds(42_000_000L)).isEqualTo("0.042");
    assertThat(RequestLog.seconds(601_005_000_000L)).isEqualTo("601.005");
  }
}
