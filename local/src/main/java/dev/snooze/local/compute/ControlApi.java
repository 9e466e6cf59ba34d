package dev.snooze.local.compute;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import dev.snooze.config.GpuOffer.ProvisioningModel;
import dev.snooze.local.http.LoopbackServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The simulator's own routes under {@code /simulator/}; documented on {@link ComputeSimulator}. */
final class ControlApi {
  static final String PREFIX = "/simulator/";
  static final String GUEST_ATTRIBUTES = PREFIX + "guest-attributes/";
  /** A guest attribute's value, as the metadata server bounds it. */
  private static final int VALUE_LIMIT = 64 * 1024;

  private final ComputeSimulator simulator;
  private final Gson gson = new Gson();

  ControlApi(ComputeSimulator simulator) {
    this.simulator = simulator;
  }

  void handle(HttpExchange exchange) throws IOException {
    String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
    try {
      if (exchange.getRequestURI().getPath().startsWith(GUEST_ATTRIBUTES)) {
        guestAttribute(exchange);
        return;
      }
      switch (route) {
        case "GET /simulator/calls" -> reply(exchange, 200, gson.toJsonTree(simulator.calls()));
        case "GET /simulator/calls/log" -> reply(exchange, 200, callLog(exchange));
        case "POST /simulator/calls/reset" -> {
          simulator.resetCalls();
          reply(exchange, 200, new JsonObject());
        }
        case "GET /simulator/faults" -> reply(exchange, 200, faultsJson());
        case "POST /simulator/faults/http" -> {
          JsonObject in = body(exchange);
          simulator.faults().failNext(string(in, "method"), integer(in, "count", 1), integer(in, "status", 0));
          reply(exchange, 200, faultsJson());
        }
        case "POST /simulator/faults/stockout" -> {
          stockout(body(exchange));
          reply(exchange, 200, faultsJson());
        }
        case "POST /simulator/faults/preempt" -> {
          JsonObject in = body(exchange);
          String group = string(in, "group");
          List<String> preempted = in.has("instance")
              ? simulator.faults().preempt(group, string(in, "instance"))
              : simulator.faults().preempt(group);
          JsonObject out = new JsonObject();
          out.add("preempted", gson.toJsonTree(preempted));
          reply(exchange, 200, out);
        }
        case "POST /simulator/faults/boot-time" -> {
          JsonObject in = body(exchange);
          simulator.faults().bootTime(Duration.ofMillis(number(in, "millis")));
          reply(exchange, 200, faultsJson());
        }
        case "POST /simulator/faults/clear" -> {
          simulator.faults().clear();
          reply(exchange, 200, faultsJson());
        }
        case "POST /simulator/groups" -> {
          JsonObject in = body(exchange);
          GroupRef ref = groupRef(in);
          Scheduling scheduling = simulator.addGroup(ref, scheduling(in));
          JsonObject out = new JsonObject();
          out.addProperty("selfLink", ref.selfLink());
          out.addProperty("provisioningModel", scheduling.provisioningModel().name());
          out.addProperty("terminationAction", scheduling.terminationAction().name());
          reply(exchange, 200, out);
        }
        case "GET /simulator/serving" -> {
          Map<String, String> q = LoopbackServer.query(exchange.getRequestURI());
          JsonObject in = new JsonObject();
          q.forEach(in::addProperty);
          JsonObject out = new JsonObject();
          out.addProperty("serving", simulator.serving(groupRef(in)));
          reply(exchange, 200, out);
        }
        default -> reply(exchange, 404, message("no simulator route " + route));
      }
    } catch (LoopbackServer.BodyTooLargeException e) {
      reply(exchange, 413, message(e.getMessage()));
    } catch (RuntimeException e) {
      // Missing fields, wrong types, bad JSON: the caller's mistake, said plainly.
      reply(exchange, 400, message(e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  /**
   * {@code PUT /simulator/guest-attributes/INSTANCE/NAMESPACE/KEY} with the value as the body:
   * the VM writes an attribute, as through its metadata server; anything is a value.
   */
  private void guestAttribute(HttpExchange exchange) throws IOException {
    String[] parts = exchange.getRequestURI().getPath().substring(GUEST_ATTRIBUTES.length()).split("/", -1);
    if (!"PUT".equals(exchange.getRequestMethod())) {
      reply(exchange, 405, message("use PUT " + GUEST_ATTRIBUTES + "INSTANCE/NAMESPACE/KEY with the value as the body"));
      return;
    }
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      reply(exchange, 400, message("the path must be " + GUEST_ATTRIBUTES + "INSTANCE/NAMESPACE/KEY"));
      return;
    }
    String value = new String(LoopbackServer.readBody(exchange, VALUE_LIMIT), StandardCharsets.UTF_8);
    if (!simulator.writeGuestAttribute(parts[0], parts[1], parts[2], value)) {
      reply(exchange, 404, message("no RUNNING instance '" + parts[0] + "': only a running VM writes guest attributes"));
      return;
    }
    JsonObject out = new JsonObject();
    out.addProperty("instance", parts[0]);
    out.addProperty("namespace", parts[1]);
    out.addProperty("key", parts[2]);
    out.addProperty("value", value);
    reply(exchange, 200, out);
  }

  private JsonObject callLog(HttpExchange exchange) {
    String since = LoopbackServer.query(exchange.getRequestURI()).get("since");
    Instant after;
    try {
      after = since == null || since.isBlank() ? null : Instant.parse(since);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'since' must be an ISO-8601 instant such as 2026-01-01T00:00:00.000001Z");
    }
    JsonArray calls = new JsonArray();
    for (ReceivedCall call : simulator.callLog(after)) {
      JsonObject o = new JsonObject();
      o.addProperty("method", call.method());
      o.addProperty("at", call.at().toString());
      if (call.size() != null) {
        o.addProperty("size", call.size());
      }
      if (call.resource() != null) {
        o.addProperty("resource", call.resource());
      }
      calls.add(o);
    }
    JsonObject out = new JsonObject();
    out.add("calls", calls);
    return out;
  }

  /** {@code {"zone"} or {"group"}, "kind"?, "active"?}: starts or ends one stockout. */
  private void stockout(JsonObject in) {
    boolean zone = in.has("zone");
    if (zone == in.has("group")) {
      throw new IllegalArgumentException(zone
          ? "give 'zone' or 'group', not both: stock out a zone, or a group in all its zones"
          : "'zone' or 'group' is required: the zone, or the MIG, to stock out");
    }
    String target = string(in, zone ? "zone" : "group");
    boolean active = bool(in, "active", true);
    StockoutKind kind = StockoutKind.parse(in.has("kind") ? string(in, "kind") : null);
    Faults faults = simulator.faults();
    if (zone && active) {
      faults.stockout(target, kind);
    } else if (zone) {
      faults.endStockout(target);
    } else if (active) {
      faults.stockoutGroup(target, kind);
    } else {
      faults.endGroupStockout(target);
    }
  }

  /** A group's {@code provisioningModel} (STANDARD by default) and {@code terminationAction} (STOP by default). */
  private static Scheduling scheduling(JsonObject in) {
    ProvisioningModel model = ProvisioningModel.STANDARD;
    if (in.has("provisioningModel")) {
      String raw = string(in, "provisioningModel");
      try {
        model = ProvisioningModel.valueOf(raw);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'provisioningModel' must be STANDARD or SPOT, got '" + raw + "'");
      }
    }
    Scheduling.TerminationAction action = Scheduling.TerminationAction.STOP;
    if (in.has("terminationAction")) {
      String raw = string(in, "terminationAction");
      try {
        action = Scheduling.TerminationAction.valueOf(raw);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'terminationAction' must be STOP or DELETE, got '" + raw + "'");
      }
    }
    return new Scheduling(model, action);
  }

  private JsonObject faultsJson() {
    Faults f = simulator.faults();
    JsonObject out = new JsonObject();
    JsonArray http = new JsonArray();
    for (Faults.HttpFault h : f.pendingHttpFaults()) {
      JsonObject o = new JsonObject();
      o.addProperty("method", h.method());
      o.addProperty("status", h.status());
      o.addProperty("remaining", h.remaining());
      http.add(o);
    }
    out.add("http", http);
    out.add("stockedOutZones", gson.toJsonTree(f.stockedOutZones().stream().sorted().toList()));
    JsonArray stockouts = new JsonArray();
    for (Faults.Stockout s : f.stockouts()) {
      JsonObject o = new JsonObject();
      o.addProperty(s.zone() != null ? "zone" : "group", s.zone() != null ? s.zone() : s.group());
      o.addProperty("kind", s.kind().name());
      stockouts.add(o);
    }
    out.add("stockouts", stockouts);
    out.addProperty("bootTimeMillis", f.bootTime().toMillis());
    return out;
  }

  private static GroupRef groupRef(JsonObject in) {
    String project = string(in, "project");
    String name = string(in, "name");
    if (in.has("zone")) {
      return GroupRef.zonal(project, string(in, "zone"), name);
    }
    String region = string(in, "region");
    List<String> zones = new ArrayList<>();
    JsonElement z = in.get("zones");
    if (z != null && z.isJsonArray()) {
      z.getAsJsonArray().forEach(e -> zones.add(e.getAsString()));
    } else if (z != null) {
      zones.addAll(List.of(z.getAsString().split(",")));
    } else {
      zones.add(region + "-a");
    }
    return GroupRef.regional(project, region, name, zones);
  }

  private static JsonObject body(HttpExchange exchange) throws IOException {
    String text = new String(LoopbackServer.readBody(exchange, 64 * 1024), StandardCharsets.UTF_8);
    JsonElement parsed = JsonParser.parseString(text.isBlank() ? "{}" : text);
    if (!parsed.isJsonObject()) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    return parsed.getAsJsonObject();
  }

  private static String string(JsonObject in, String field) {
    JsonElement e = in.get(field);
    if (e == null || e.isJsonNull() || (e.isJsonPrimitive() && e.getAsString().isBlank())) {
      throw new IllegalArgumentException("'" + field + "' is required");
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("'" + field + "' must be a string, got " + e);
    }
    return e.getAsString();
  }

  private static boolean bool(JsonObject in, String field, boolean fallback) {
    JsonElement e = in.get(field);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new IllegalArgumentException("'" + field + "' must be true or false, got " + e);
    }
    return e.getAsBoolean();
  }

  private static int integer(JsonObject in, String field, int fallback) {
    JsonElement e = in.get(field);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    long value = number(in, field);
    if (value != (int) value) {
      throw new IllegalArgumentException("'" + field + "' is out of range, got " + value);
    }
    return (int) value;
  }

  private static long number(JsonObject in, String field) {
    JsonElement e = in.get(field);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("'" + field + "' is required");
    }
    try {
      return e.getAsBigDecimal().longValueExact();
    } catch (RuntimeException notWhole) {
      throw new IllegalArgumentException("'" + field + "' must be a whole number, got " + e);
    }
  }

  private static JsonObject message(String text) {
    JsonObject o = new JsonObject();
    o.addProperty("error", text);
    return o;
  }

  private static void reply(HttpExchange exchange, int status, JsonElement body) throws IOException {
    LoopbackServer.sendJson(exchange, status, body.toString());
  }
}
