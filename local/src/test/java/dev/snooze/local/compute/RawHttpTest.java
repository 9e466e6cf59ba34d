package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad requests on the wire, checked against the API's exact bodies. */
class RawHttpTest {
  private static final String MIG_PATH = "/compute/v1/projects/p/zones/us-central1-a/instanceGroupManagers/snooze-gpu";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ComputeSimulator sim;

  @BeforeAll
  static void start() throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withOperationLatency(Duration.ZERO));
    sim.addGroup(GroupRef.zonal("p", "us-central1-a", "snooze-gpu"));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.BodyPublisher publisher =
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).method(method, publisher)
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String error(int code, String message, String reason) {
    JsonObject e = new JsonObject();
    e.addProperty("code", code);
    e.addProperty("message", message);
    JsonObject item = new JsonObject();
    item.addProperty("message", message);
    item.addProperty("domain", "global");
    item.addProperty("reason", reason);
    var errors = new com.google.gson.JsonArray();
    errors.add(item);
    e.add("errors", errors);
    JsonObject body = new JsonObject();
    body.add("error", e);
    return body.toString();
  }

  @Test
  void resourcesUseTheApisFieldNames() throws Exception {
    HttpResponse<String> r = send("GET", MIG_PATH + "?%24alt=json%3Benum-encoding%3Dint", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject mig = JsonParser.parseString(r.body()).getAsJsonObject();
    assertThat(mig.get("kind").getAsString()).isEqualTo("compute#instanceGroupManager");
    assertThat(mig.get("targetSize").getAsInt()).isZero();
    assertThat(mig.getAsJsonObject("status").get("isStable").getAsBoolean()).isTrue();
    assertThat(mig.getAsJsonObject("currentActions").get("creating").getAsInt()).isZero();
    assertThat(mig.get("selfLink").getAsString()).isEqualTo("https://www.googleapis.com/compute/v1" + MIG_PATH.substring(11));
    assertThat(mig.get("id").isJsonPrimitive() && mig.get("id").getAsJsonPrimitive().isString()).isTrue();

    JsonObject op = JsonParser.parseString(send("POST", MIG_PATH + "/resize?size=1", null).body()).getAsJsonObject();
    assertThat(op.keySet()).contains("kind", "id", "name", "zone", "operationType", "targetLink", "targetId",
        "status", "progress", "insertTime", "startTime", "endTime", "selfLink");
    assertThat(op.get("status").getAsString()).isEqualTo("DONE");
  }

  @Test
  void badSizesGetTheApisErrors() throws Exception {
    HttpResponse<String> missing = send("POST", MIG_PATH + "/resize", null);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).isEqualTo(error(400, "Required field 'size' not specified", "required"));

    HttpResponse<String> negative = send("POST", MIG_PATH + "/resize?size=-1", null);
    assertThat(negative.statusCode()).isEqualTo(400);
    assertThat(negative.body()).isEqualTo(
        error(400, "Invalid value for field 'size': '-1'. Must be greater than or equal to 0.", "invalid"));

    HttpResponse<String> text = send("POST", MIG_PATH + "/resize?size=abc", null);
    assertThat(text.statusCode()).isEqualTo(400);
    JsonObject e = JsonParser.parseString(text.body()).getAsJsonObject().getAsJsonObject("error");
    assertThat(e.get("message").getAsString()).isEqualTo("Invalid value at 'size' (TYPE_INT32), \"abc\"");
    assertThat(e.get("status").getAsString()).isEqualTo("INVALID_ARGUMENT");
  }

  @Test
  void badJsonGetsTheParseError() throws Exception {
    HttpResponse<String> r = send("POST", MIG_PATH + "/stopInstances", "{\"instances\": [nope]}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject e = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("error");
    assertThat(e.get("code").getAsInt()).isEqualTo(400);
    assertThat(e.get("message").getAsString()).startsWith("Invalid JSON payload received. Unexpected token.\n");
    assertThat(e.get("status").getAsString()).isEqualTo("INVALID_ARGUMENT");
    assertThat(e.getAsJsonArray("errors").get(0).getAsJsonObject().get("reason").getAsString()).isEqualTo("parseError");

    HttpResponse<String> unknown = send("POST", MIG_PATH + "/startInstances", "{\"instancez\": []}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(JsonParser.parseString(unknown.body()).getAsJsonObject().getAsJsonObject("error")
        .get("message").getAsString())
        .isEqualTo("Invalid JSON payload received. Unknown name \"instancez\": Cannot find field.");

    HttpResponse<String> truncated = send("POST", MIG_PATH + "/stopInstances", "{\"instances\": [");
    assertThat(truncated.statusCode()).isEqualTo(400);
    assertThat(truncated.body()).contains("Invalid JSON payload received.");

    HttpResponse<String> stranger = send("POST", MIG_PATH + "/stopInstances",
        "{\"instances\": [\"zones/us-central1-a/instances/stranger\"]}");
    assertThat(stranger.statusCode()).isEqualTo(400);
    assertThat(stranger.body()).contains("\"reason\":\"invalid\"");
  }

  @Test
  void unknownThingsAreNotFound() throws Exception {
    HttpResponse<String> mig = send("GET", "/compute/v1/projects/p/zones/us-central1-a/instanceGroupManagers/x", null);
    assertThat(mig.statusCode()).isEqualTo(404);
    assertThat(mig.body()).isEqualTo(error(404,
        "The resource 'projects/p/zones/us-central1-a/instanceGroupManagers/x' was not found", "notFound"));

    HttpResponse<String> op = send("POST", "/compute/v1/projects/p/regions/us-central1/operations/operation-1/wait", null);
    assertThat(op.statusCode()).isEqualTo(404);
    assertThat(op.body()).isEqualTo(error(404,
        "The resource 'projects/p/regions/us-central1/operations/operation-1' was not found", "notFound"));

    for (String[] call : new String[][] {
        {"GET", "/compute/v1/projects/p/zones/us-central1-a/instances"},
        {"DELETE", MIG_PATH + "/resize"},
        {"GET", MIG_PATH + "/resize"},
        {"GET", "/nothing"}}) {
      HttpResponse<String> r = send(call[0], call[1], null);
      assertThat(r.statusCode()).as(call[0] + " " + call[1]).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=UTF-8");
      assertThat(r.body()).contains("<title>Error 404 (Not Found)!!1</title>", "<code>" + call[1] + "</code>");
    }
  }
}
