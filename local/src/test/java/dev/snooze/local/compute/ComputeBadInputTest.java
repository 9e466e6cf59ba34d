package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.http.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests to the Compute simulator, one line each: the compute v1 REST API's own 4xx error
 * bodies (or Google's HTML 404 page for a URL no method serves), and the simulator's control
 * routes' {@code {"error"}} answers (a URL the JDK's HTTP server cannot parse gets its own 400
 * before the simulator sees it). After each, the groups, their instances and the faults are
 * as they were, and the simulator still answers. Never a 5xx: those come only from injected
 * faults.
 */
class ComputeBadInputTest {
  private static final String ZONAL = "/compute/v1/projects/p/zones/us-central1-a/instanceGroupManagers/snooze-gpu";
  private static final String REGIONAL = "/compute/v1/projects/p/regions/us-central1/instanceGroupManagers/snooze-gpu";
  private static final String MEMBER = "zones/us-central1-a/instances/snooze-gpu-nope";
  private static ComputeSimulator sim;

  @BeforeAll
  static void start() throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withOperationLatency(Duration.ZERO));
    sim.addGroup(GroupRef.zonal("p", "us-central1-a", "snooze-gpu"));
    sim.addGroup(GroupRef.regional("p", "us-central1", "snooze-gpu", List.of("us-central1-a", "us-central1-b")));
    sim.addGroup(GroupRef.zonal("p", "us-central1-a", "snooze-gpu-spot"), Scheduling.spot(Scheduling.TerminationAction.STOP));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** What comes back: an API error (code, reason, message part), the HTML 404 page, or a control error. */
  sealed interface Expect {}

  record ApiError(int code, String reason, String message) implements Expect {}

  record NotFoundPage() implements Expect {}

  record ControlError(int code, String message) implements Expect {}

  /** Refused by the JDK's HTTP server before the simulator sees it. */
  record HttpServerRefuses(int code) implements Expect {}

  record Case(String name, String method, String target, String body, Expect expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case api(String name, String method, String target, String body, int code, String reason, String message) {
    return new Case(name, method, target, body, new ApiError(code, reason, message));
  }

  private static Case page(String name, String method, String target) {
    return new Case(name, method, target, null, new NotFoundPage());
  }

  private static Case control(String name, String method, String target, String body, int code, String message) {
    return new Case(name, method, target, body, new ControlError(code, message));
  }

  static Stream<Case> cases() {
    return Stream.of(
        // Unknown resources: the API's JSON 404.
        api("unknown MIG", "GET", ZONAL.replace("snooze-gpu", "nope"), null, 404, "notFound",
            "The resource 'projects/p/zones/us-central1-a/instanceGroupManagers/nope' was not found"),
        api("unknown project", "GET", ZONAL.replace("/p/", "/other/"), null, 404, "notFound", "projects/other/"),
        api("unknown zone", "GET", ZONAL.replace("us-central1-a", "mars-north1-a"), null, 404, "notFound", "mars-north1-a"),
        api("unknown regional MIG resized", "POST", REGIONAL.replace("snooze-gpu", "nope") + "/resize?size=1", null,
            404, "notFound", "regions/us-central1/instanceGroupManagers/nope"),
        api("unknown operation", "GET", "/compute/v1/projects/p/zones/us-central1-a/operations/operation-0", null,
            404, "notFound", "operations/operation-0"),
        api("unknown operation waited on", "POST", "/compute/v1/projects/p/regions/us-central1/operations/x/wait", null,
            404, "notFound", "operations/x"),
        api("MIG name with an encoded slash", "GET", ZONAL + "%2F..%2Fsnooze-gpu", null, 404, "notFound", "was not found"),
        api("MIG name of 8000 characters", "GET", ZONAL + "x".repeat(8000), null, 404, "notFound", "was not found"),
        // Bad sizes: checked before the group is looked up, as the API does.
        api("size missing", "POST", ZONAL + "/resize", null, 400, "required", "Required field 'size' not specified"),
        api("size empty", "POST", ZONAL + "/resize?size=", null, 400, "required", "'size'"),
        api("size negative", "POST", ZONAL + "/resize?size=-1", null, 400, "invalid", "Must be greater than or equal to 0"),
        api("size not a number", "POST", REGIONAL + "/resize?size=abc", null, 400, "invalid", "Invalid value at 'size' (TYPE_INT32), \"abc\""),
        api("size a fraction", "POST", ZONAL + "/resize?size=1.5", null, 400, "invalid", "(TYPE_INT32), \"1.5\""),
        api("size in exponent form", "POST", ZONAL + "/resize?size=1e3", null, 400, "invalid", "(TYPE_INT32)"),
        api("size past int32", "POST", ZONAL + "/resize?size=99999999999", null, 400, "invalid", "(TYPE_INT32)"),
        api("size past a MIG's limit", "POST", REGIONAL + "/resize?size=1001", null, 400, "invalid", "Must be less than or equal to 1000"),
        api("size int32 max", "POST", ZONAL + "/resize?size=2147483647", null, 400, "invalid", "Must be less than or equal to 1000"),
        // Bad bodies for stopInstances and startInstances.
        api("body not JSON", "POST", ZONAL + "/stopInstances", "stop them all", 400, "parseError", "Invalid JSON payload received."),
        api("body truncated", "POST", REGIONAL + "/startInstances", "{\"instances\": [", 400, "parseError", "Invalid JSON payload received."),
        api("body a JSON array", "POST", ZONAL + "/stopInstances", "[\"" + MEMBER + "\"]", 400, "parseError", "Invalid JSON payload received."),
        api("body JSON null", "POST", ZONAL + "/stopInstances", "null", 400, "parseError", "Invalid JSON payload received."),
        api("body nested 100000 deep", "POST", ZONAL + "/stopInstances", "[".repeat(100_000), 400, "parseError", "Invalid JSON payload received."),
        api("body binary", "POST", ZONAL + "/stopInstances", "\u00ff\u00fe\u0000{", 400, "parseError", "Invalid JSON payload received."),
        api("instances a string", "POST", ZONAL + "/stopInstances", "{\"instances\":\"" + MEMBER + "\"}", 400, "parseError", "Invalid JSON payload received."),
        api("instances empty", "POST", REGIONAL + "/stopInstances", "{\"instances\":[]}", 400, "required", "Required field 'instances' not specified"),
        api("instances not members", "POST", ZONAL + "/startInstances", "{\"instances\":[\"" + MEMBER + "\"]}", 400, "invalid", "not a member of the instance group"),
        api("unknown field", "POST", ZONAL + "/stopInstances", "{\"instancez\":[]}", 400, "invalid", "Unknown name \"instancez\""),
        api("body over 1 MiB", "POST", ZONAL + "/stopInstances", "{\"instances\":[\"" + "x".repeat(1 << 20) + "\"]}", 413, "badRequest", "exceeds the limit"),
        // URLs no method serves, wrong methods included: Google's front end answers its HTML 404.
        page("DELETE a MIG", "DELETE", ZONAL),
        page("PUT resize", "PUT", ZONAL + "/resize?size=1"),
        page("GET resize", "GET", ZONAL + "/resize?size=1"),
        page("GET stopInstances", "GET", ZONAL + "/stopInstances"),
        page("POST to a MIG", "POST", ZONAL),
        page("made-up method", "SNOOZE", ZONAL),
        page("unknown verb", "POST", ZONAL + "/resizeNow?size=1"),
        page("unknown collection", "GET", "/compute/v1/projects/p/zones/us-central1-a/instances"),
        page("API version v2", "GET", ZONAL.replace("/v1/", "/v2/")),
        page("empty project", "GET", "/compute/v1/projects//zones/us-central1-a/instanceGroupManagers/snooze-gpu"),
        page("too many segments", "GET", ZONAL + "/listErrors/more/and/more"),
        new Case("malformed escape in the path", "GET", ZONAL.replace("snooze-gpu", "%zz"), null, new HttpServerRefuses(400)),
        api("escape of a byte that is not UTF-8", "GET", ZONAL.replace("snooze-gpu", "%ff%fe"), null, 404, "notFound", "was not found"),
        page("dot segments", "GET", "/compute/v1/projects/p/zones/../../../etc/passwd/x"),
        page("root", "GET", "/"),
        // The simulator's own control routes.
        control("unknown control route", "GET", "/simulator/nothing", null, 404, "no simulator route GET /simulator/nothing"),
        control("wrong method on a control route", "GET", "/simulator/faults/clear", null, 404, "no simulator route"),
        control("fault body not JSON", "POST", "/simulator/faults/http", "fail!", 400, ""),
        control("fault body a JSON array", "POST", "/simulator/faults/http", "[]", 400, "body must be a JSON object"),
        control("fault without a method", "POST", "/simulator/faults/http", "{\"status\":503}", 400, "'method' is required"),
        control("fault with status 200", "POST", "/simulator/faults/http", "{\"method\":\"*\",\"status\":200}", 400, "status must be 429, 500 or 503"),
        control("fault with count 0", "POST", "/simulator/faults/http", "{\"method\":\"*\",\"status\":503,\"count\":0}", 400, "count must be at least 1"),
        control("fault with count a word", "POST", "/simulator/faults/http", "{\"method\":\"*\",\"status\":503,\"count\":\"many\"}", 400, "'count' must be a whole number"),
        control("fault with count past int32", "POST", "/simulator/faults/http", "{\"method\":\"*\",\"status\":503,\"count\":3000000000}", 400, "'count' is out of range"),
        control("stockout of neither a zone nor a group", "POST", "/simulator/faults/stockout", "{\"active\":true}", 400, "'zone' or 'group' is required"),
        control("stockout of a zone and a group", "POST", "/simulator/faults/stockout", "{\"zone\":\"us-central1-a\",\"group\":\"snooze-gpu\"}", 400, "give 'zone' or 'group', not both"),
        control("stockout of a group that does not exist", "POST", "/simulator/faults/stockout", "{\"group\":\"nope\"}", 400, "no group named 'nope'"),
        control("stockout of an unknown kind", "POST", "/simulator/faults/stockout", "{\"zone\":\"us-central1-a\",\"kind\":\"OUT_OF_GPUS\"}", 400,
            "'kind' must be one of ZONE_RESOURCE_POOL_EXHAUSTED, ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS, QUOTA_EXCEEDED, got 'OUT_OF_GPUS'"),
        control("stockout with active a word", "POST", "/simulator/faults/stockout", "{\"group\":\"snooze-gpu\",\"active\":\"no\"}", 400, "'active' must be true or false"),
        control("stockout with a zone that is a number", "POST", "/simulator/faults/stockout", "{\"zone\":5}", 400, "'zone' must be a string"),
        control("preempt without a group", "POST", "/simulator/faults/preempt", "{}", 400, "'group' is required"),
        control("preempt a group that does not exist", "POST", "/simulator/faults/preempt", "{\"group\":\"nope\"}", 400, "no group named 'nope'"),
        control("preempt a STANDARD group", "POST", "/simulator/faults/preempt", "{\"group\":\"snooze-gpu\"}", 400,
            "group 'snooze-gpu' is STANDARD: only a SPOT group's VMs are preempted"),
        control("preempt an instance the group lacks", "POST", "/simulator/faults/preempt", "{\"group\":\"snooze-gpu-spot\",\"instance\":\"snooze-gpu-spot-nope\"}",
            400, "group 'snooze-gpu-spot' has no instance 'snooze-gpu-spot-nope'"),
        control("preempt with an instance that is not a string", "POST", "/simulator/faults/preempt", "{\"group\":\"snooze-gpu-spot\",\"instance\":[]}",
            400, "'instance' must be a string"),
        control("negative boot time", "POST", "/simulator/faults/boot-time", "{\"millis\":-5}", 400, "boot time must be a non-negative duration"),
        control("boot time missing", "POST", "/simulator/faults/boot-time", "{}", 400, "'millis' is required"),
        control("control body over 64 KiB", "POST", "/simulator/faults/http", "{\"method\":\"" + "m".repeat(70_000) + "\"}", 413, "larger than 65536 bytes"),
        control("group without a name", "POST", "/simulator/groups", "{\"project\":\"p\",\"zone\":\"us-central1-a\"}", 400, "'name' is required"),
        control("group of an unknown provisioning model", "POST", "/simulator/groups", "{\"project\":\"p\",\"zone\":\"us-central1-a\",\"name\":\"x\",\"provisioningModel\":\"PREEMPTIBLE\"}",
            400, "'provisioningModel' must be STANDARD or SPOT, got 'PREEMPTIBLE'"),
        control("group of an unknown termination action", "POST", "/simulator/groups", "{\"project\":\"p\",\"zone\":\"us-central1-a\",\"name\":\"x\",\"provisioningModel\":\"SPOT\",\"terminationAction\":\"HIBERNATE\"}",
            400, "'terminationAction' must be STOP or DELETE, got 'HIBERNATE'"),
        control("serving without a group", "GET", "/simulator/serving", null, 400, "is required"),
        // Guest attributes: read through the API, written by a VM through the control route.
        api("guest attributes of an unknown VM", "GET",
            "/compute/v1/projects/p/zones/us-central1-a/instances/snooze-gpu-nope/getGuestAttributes?queryPath=snooze/",
            null, 404, "notFound", "The resource 'projects/p/zones/us-central1-a/instances/snooze-gpu-nope' was not found"),
        page("guest attributes of a region", "GET",
            "/compute/v1/projects/p/regions/us-central1/instances/snooze-gpu-nope/getGuestAttributes"),
        page("guest attributes POSTed", "POST",
            "/compute/v1/projects/p/zones/us-central1-a/instances/snooze-gpu-nope/getGuestAttributes"),
        control("stage report from an unknown VM", "PUT", "/simulator/guest-attributes/snooze-gpu-nope/snooze/ready",
            "2026-12-03T11:30:05.123Z", 404, "no RUNNING instance 'snooze-gpu-nope'"),
        control("stage report without a key", "PUT", "/simulator/guest-attributes/snooze-gpu-nope/snooze", "x", 400,
            "the path must be /simulator/guest-attributes/INSTANCE/NAMESPACE/KEY"),
        control("stage report with an empty namespace", "PUT", "/simulator/guest-attributes/vm//ready", "x", 400,
            "the path must be"),
        control("stage report with a nested key", "PUT", "/simulator/guest-attributes/vm/snooze/ready/again", "x", 400,
            "the path must be"),
        control("stage report read with GET", "GET", "/simulator/guest-attributes/vm/snooze/ready", null, 405, "use PUT"),
        control("stage report over 64 KiB", "PUT", "/simulator/guest-attributes/vm/snooze/ready", "x".repeat(70_000), 413,
            "larger than 65536 bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badRequestsGetTheApisErrorsAndChangeNothing(Case c) throws Exception {
    String before = snapshot();
    RawHttp.Response response = RawHttp.send(sim.port(), c.method(), c.target(),
        c.body() == null ? null : "Content-Type: application/json",
        c.body() == null ? null : c.body().getBytes(StandardCharsets.UTF_8));

    if (c.expect() instanceof ApiError expected) {
      assertThat(response.status()).as(response.body()).isEqualTo(expected.code());
      JsonObject error = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("error");
      assertThat(error.get("code").getAsInt()).isEqualTo(expected.code());
      assertThat(error.get("message").getAsString()).contains(expected.message());
      assertThat(error.getAsJsonArray("errors").get(0).getAsJsonObject().get("reason").getAsString())
          .isEqualTo(expected.reason());
    } else if (c.expect() instanceof NotFoundPage) {
      assertThat(response.status()).as(response.body()).isEqualTo(404);
      assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=UTF-8");
      assertThat(response.body()).contains("<title>Error 404 (Not Found)!!1</title>");
    } else if (c.expect() instanceof HttpServerRefuses expected) {
      assertThat(response.status()).as(response.body()).isEqualTo(expected.code());
    } else if (c.expect() instanceof ControlError expected) {
      assertThat(response.status()).as(response.body()).isEqualTo(expected.code());
      assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString())
          .isNotBlank().contains(expected.message());
    }
    assertThat(snapshot()).as("groups, instances and faults").isEqualTo(before);
  }

  /** Both groups, their instances and the faults in force, as the API and control routes show them. */
  private static String snapshot() throws Exception {
    StringBuilder all = new StringBuilder();
    for (String target : List.of(ZONAL, ZONAL + "/listManagedInstances", REGIONAL,
        REGIONAL + "/listManagedInstances", "/simulator/faults")) {
      RawHttp.Response response = RawHttp.send(sim.port(), target.endsWith("listManagedInstances") ? "POST" : "GET",
          target, null, target.endsWith("listManagedInstances") ? new byte[0] : null);
      assertThat(response.status()).as(target + " " + response.body()).isEqualTo(200);
      all.append(response.body()).append('\n');
    }
    return all.toString();
  }
}
