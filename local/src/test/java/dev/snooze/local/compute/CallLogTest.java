package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The timestamped record of calls that benchmarks time wakes and sleeps against. */
class CallLogTest {
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String MIG = "snooze-gpu";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.000001Z");

  private final TestClock clock = new TestClock(T0);
  private final HttpClient http = HttpClient.newHttpClient();
  private ComputeSimulator sim;
  private InstanceGroupManagersClient client;

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withClock(clock).withOperationLatency(Duration.ZERO));
    sim.addGroup(GroupRef.zonal(P, Z, MIG));
    client = Clients.zonal(sim, false);
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
  }

  @Test
  void recordsEachCallWithItsArrivalTimeAndAResizesSize() throws Exception {
    client.resizeAsync(P, Z, MIG, 1).get(5, TimeUnit.SECONDS);
    clock.advance(Duration.ofNanos(1_500_000));
    client.get(P, Z, MIG);
    clock.advance(Duration.ofSeconds(2));
    client.resizeAsync(P, Z, MIG, 0).get(5, TimeUnit.SECONDS);

    JsonArray all = log("");
    assertThat(all).hasSize(3);
    assertThat(call(all, 0)).isEqualTo(
        "compute.instanceGroupManagers.resize 2026-01-01T00:00:00.000001Z 1");
    assertThat(call(all, 1)).isEqualTo("compute.instanceGroupManagers.get 2026-01-01T00:00:00.001501Z -");
    assertThat(call(all, 2)).isEqualTo(
        "compute.instanceGroupManagers.resize 2026-01-01T00:00:02.001501Z 0");
    assertThat(sim.callLog(T0)).extracting(ReceivedCall::method)
        .containsExactly("compute.instanceGroupManagers.get", "compute.instanceGroupManagers.resize");
    assertThat(all.get(0).getAsJsonObject().get("resource").getAsString()).isEqualTo(MIG);
    assertThat(sim.callLog(T0)).extracting(ReceivedCall::resource).containsOnly(MIG);

    JsonArray later = log("?since=2026-01-01T00:00:00.001501Z");
    assertThat(later).hasSize(1);
    assertThat(call(later, 0)).endsWith(" 0");
  }

  @Test
  void aBadSinceIsRefusedAndResetForgetsTheLog() throws Exception {
    client.get(P, Z, MIG);
    HttpResponse<String> bad = send("GET", "/simulator/calls/log?since=yesterday");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("'since' must be an ISO-8601 instant");

    assertThat(send("POST", "/simulator/calls/reset").statusCode()).isEqualTo(200);
    assertThat(log("")).isEmpty();
    assertThat(sim.calls()).isEmpty();
  }

  private JsonArray log(String query) throws Exception {
    HttpResponse<String> r = send("GET", "/simulator/calls/log" + query);
    assertThat(r.statusCode()).isEqualTo(200);
    return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("calls");
  }

  private static String call(JsonArray calls, int i) {
    JsonObject c = calls.get(i).getAsJsonObject();
    return c.get("method").getAsString() + " " + c.get("at").getAsString() + " "
        + (c.has("size") ? c.get("size").getAsString() : "-");
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }
}
