package dev.snooze.local.compute;

import com.google.cloud.compute.v1.GuestAttributes;
import com.google.cloud.compute.v1.GuestAttributesEntry;
import com.google.cloud.compute.v1.GuestAttributesValue;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagerList;
import com.google.cloud.compute.v1.InstanceGroupManagersListErrorsResponse;
import com.google.cloud.compute.v1.InstanceGroupManagersListManagedInstancesResponse;
import com.google.cloud.compute.v1.InstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.InstanceManagedByIgmError;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.RegionInstanceGroupManagerList;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersListErrorsResponse;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersListInstancesResponse;
import com.google.gson.JsonParseException;
import com.google.gson.internal.bind.TypeAdapters;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import dev.snooze.local.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The compute v1 REST surface: routing, parameter checks, and JSON in and out. */
final class ComputeApi {
  private static final int BODY_LIMIT = 1 << 20;
  /** A MIG's default size limit; it also keeps a mistyped size from allocating millions of VMs. */
  static final int MAX_GROUP_SIZE = 1000;
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();
  private static final Pattern GSON_POSITION = Pattern.compile("line (\\d+) column (\\d+)");
  private static final Set<String> GROUP_VERBS =
      Set.of("resize", "listManagedInstances", "listErrors", "stopInstances", "startInstances");

  private final ComputeState state;
  private final Faults faults;
  private final CallCounter calls;
  private final CallLog log;
  private final SimulatorConfig config;

  ComputeApi(ComputeState state, Faults faults, CallCounter calls, CallLog log, SimulatorConfig config) {
    this.state = state;
    this.faults = faults;
    this.calls = calls;
    this.log = log;
    this.config = config;
  }

  /** A request matched to an API method; {@code verb} is the custom method, if any. */
  record Route(String methodId, String project, GroupRef.Scope scope, String location, String collection,
      String resource, String verb) {}

  static Optional<Route> route(String httpMethod, String rawPath) {
    String[] raw = rawPath.split("/", -1);
    if (raw.length < 8 || raw.length > 10 || !raw[0].isEmpty() || !"compute".equals(raw[1])
        || !"v1".equals(raw[2]) || !"projects".equals(raw[3])) {
      return Optional.empty();
    }
    List<String> s = new ArrayList<>();
    for (String part : raw) {
      s.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
    }
    for (int i = 4; i < s.size(); i++) {
      if (s.get(i).isEmpty()) {
        return Optional.empty();
      }
    }
    GroupRef.Scope scope = switch (s.get(5)) {
      case "zones" -> GroupRef.Scope.ZONAL;
      case "regions" -> GroupRef.Scope.REGIONAL;
      default -> null;
    };
    if (scope == null) {
      return Optional.empty();
    }
    boolean zonal = scope == GroupRef.Scope.ZONAL;
    String project = s.get(4);
    String location = s.get(6);
    String collection = s.get(7);
    String resource = s.size() > 8 ? s.get(8) : null;
    String verb = s.size() > 9 ? s.get(9) : null;
    String methodId = null;
    if ("instanceGroupManagers".equals(collection)) {
      String prefix = zonal ? "compute.instanceGroupManagers." : "compute.regionInstanceGroupManagers.";
      if (resource == null && "GET".equals(httpMethod)) {
        methodId = prefix + "list";
      } else if (resource != null && verb == null && "GET".equals(httpMethod)) {
        methodId = prefix + "get";
      } else if (verb != null && GROUP_VERBS.contains(verb)
          && ("listErrors".equals(verb) ? "GET" : "POST").equals(httpMethod)) {
        methodId = prefix + verb;
      }
    } else if ("instances".equals(collection) && zonal && "getGuestAttributes".equals(verb)
        && "GET".equals(httpMethod)) {
      methodId = "compute.instances.getGuestAttributes";
    } else if ("operations".equals(collection) && resource != null) {
      String prefix = zonal ? "compute.zoneOperations." : "compute.regionOperations.";
      if (verb == null && "GET".equals(httpMethod)) {
        methodId = prefix + "get";
      } else if ("wait".equals(verb) && "POST".equals(httpMethod)) {
        methodId = prefix + "wait";
      }
    }
    return Optional.ofNullable(methodId)
        .map(id -> new Route(id, project, scope, location, collection, resource, verb));
  }

  void handle(HttpExchange exchange) throws IOException {
    Instant received = state.now();
    Optional<Route> matched = route(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
    if (matched.isEmpty()) {
      sendNotFoundPage(exchange);
      return;
    }
    Route route = matched.get();
    // The client adds "$alt=json;enum-encoding=int"; JSON is the only answer here anyway.
    Map<String, String> query = LoopbackServer.query(exchange.getRequestURI());
    calls.increment(route.methodId());
    log.add(new ReceivedCall(route.methodId(), received, "resize".equals(route.verb()) ? size(query) : null,
        route.resource()));
    Optional<Integer> injected = faults.take(route.methodId());
    if (injected.isPresent()) {
      sendError(exchange, ApiError.injected(injected.get(), route.project()));
      return;
    }
    if ("operations".equals(route.collection())) {
      operation(exchange, route);
    } else if ("instances".equals(route.collection())) {
      guestAttributes(exchange, route, query);
    } else if (route.resource() == null) {
      list(exchange, route);
    } else {
      group(exchange, route, query);
    }
  }

  private static Integer size(Map<String, String> query) {
    try {
      return Integer.valueOf(query.getOrDefault("size", "").trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void list(HttpExchange exchange, Route route) throws IOException {
    Instant now = state.now();
    String path = GroupRef.locationPath(route.project(), route.scope(), route.location()) + "/instanceGroupManagers";
    List<InstanceGroupManager> items = new ArrayList<>();
    for (GroupState g : state.groups(route.project(), route.scope(), route.location())) {
      items.add(Resources.manager(g, state.instances(g, now)));
    }
    if (route.scope() == GroupRef.Scope.ZONAL) {
      send(exchange, InstanceGroupManagerList.newBuilder()
          .setKind("compute#instanceGroupManagerList").setId(path).addAllItems(items)
          .setSelfLink(GroupRef.API_BASE + path).build());
    } else {
      send(exchange, RegionInstanceGroupManagerList.newBuilder()
          .setKind("compute#regionInstanceGroupManagerList").setId(path).addAllItems(items)
          .setSelfLink(GroupRef.API_BASE + path).build());
    }
  }

  private void group(HttpExchange exchange, Route route, Map<String, String> query) throws IOException {
    String verb = route.verb();
    Integer size = null;
    InstanceGroupManagersStopInstancesRequest body = null;
    // Parameters and body are checked before the resource is looked up, as the front end does.
    if ("resize".equals(verb)) {
      String raw = query.get("size");
      if (raw == null || raw.isEmpty()) {
        sendError(exchange, ApiError.required("size"));
        return;
      }
      try {
        size = Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        sendError(exchange, ApiError.badType("size", "TYPE_INT32", raw));
        return;
      }
      if (size < 0) {
        sendError(exchange, ApiError.invalid(
            "Invalid value for field 'size': '" + size + "'. Must be greater than or equal to 0."));
        return;
      }
      if (size > MAX_GROUP_SIZE) {
        sendError(exchange, ApiError.invalid(
            "Invalid value for field 'size': '" + size + "'. Must be less than or equal to " + MAX_GROUP_SIZE + "."));
        return;
      }
    } else if ("stopInstances".equals(verb) || "startInstances".equals(verb)) {
      byte[] bytes;
      try {
        bytes = LoopbackServer.readBody(exchange, BODY_LIMIT);
      } catch (LoopbackServer.BodyTooLargeException e) {
        sendError(exchange, new ApiError(413, "Request payload size exceeds the limit: " + BODY_LIMIT + " bytes.",
            "global", "badRequest", "INVALID_ARGUMENT"));
        return;
      }
      Object parsed = parseInstancesRequest(new String(bytes, StandardCharsets.UTF_8));
      if (parsed instanceof ApiError error) {
        sendError(exchange, error);
        return;
      }
      body = (InstanceGroupManagersStopInstancesRequest) parsed;
    } else if (!"listManagedInstances".equals(verb) && verb != null && !"listErrors".equals(verb)) {
      sendNotFoundPage(exchange);
      return;
    }
    Optional<GroupState> found = state.group(route.project(), route.scope(), route.location(), route.resource());
    if (found.isEmpty()) {
      sendError(exchange, ApiError.notFound(
          GroupRef.locationPath(route.project(), route.scope(), route.location())
              + "/instanceGroupManagers/" + route.resource()));
      return;
    }
    GroupState g = found.get();
    Instant now = state.now();
    String requestId = query.get("requestId");
    if (verb == null) {
      send(exchange, Resources.manager(g, state.instances(g, now)));
      return;
    }
    switch (verb) {
      case "listManagedInstances" -> {
        List<ManagedInstance> items = new ArrayList<>();
        state.instances(g, now).forEach((r, v) -> items.add(Resources.managedInstance(g.ref, r, v,
            v.waitingForCapacity() ? state.lastAttemptError(g, r).orElse(null) : null)));
        if (route.scope() == GroupRef.Scope.ZONAL) {
          send(exchange, InstanceGroupManagersListManagedInstancesResponse.newBuilder()
              .addAllManagedInstances(items).build());
        } else {
          send(exchange, RegionInstanceGroupManagersListInstancesResponse.newBuilder()
              .addAllManagedInstances(items).build());
        }
      }
      case "listErrors" -> {
        List<InstanceManagedByIgmError> items = new ArrayList<>();
        for (GroupState.ErrorEntry e : state.errors(g)) {
          items.add(Resources.error(g.ref, e));
        }
        if (route.scope() == GroupRef.Scope.ZONAL) {
          send(exchange, InstanceGroupManagersListErrorsResponse.newBuilder().addAllItems(items).build());
        } else {
          send(exchange, RegionInstanceGroupManagersListErrorsResponse.newBuilder().addAllItems(items).build());
        }
      }
      default -> {
        Optional<OperationRecord> earlier = state.byRequestId(g.ref, requestId);
        if (earlier.isPresent()) {
          send(exchange, Resources.operation(earlier.get(), now));
          return;
        }
        OperationRecord op;
        if ("resize".equals(verb)) {
          op = state.resize(g, size, route.methodId(), requestId);
        } else {
          Object members = members(g, body);
          if (members instanceof ApiError error) {
            sendError(exchange, error);
            return;
          }
          @SuppressWarnings("unchecked")
          List<InstanceRecord> list = (List<InstanceRecord>) members;
          op = "stopInstances".equals(verb)
              ? state.stop(g, list, route.methodId(), requestId)
              : state.start(g, list, route.methodId(), requestId);
        }
        send(exchange, Resources.operation(op, state.now()));
      }
    }
  }

  private void operation(HttpExchange exchange, Route route) throws IOException {
    Optional<OperationRecord> found =
        state.operation(route.project(), route.scope(), route.location(), route.resource());
    if (found.isEmpty()) {
      sendError(exchange, ApiError.notFound(
          GroupRef.locationPath(route.project(), route.scope(), route.location()) + "/operations/" + route.resource()));
      return;
    }
    OperationRecord op = found.get();
    if ("wait".equals(route.verb())) {
      // Bounded like the real wait: answer with the current state when the cap is reached.
      long deadline = System.nanoTime() + config.waitCap().toNanos();
      while (!op.done(state.now()) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    send(exchange, Resources.operation(op, state.now()));
  }

  /**
   * {@code variableKey=NS/KEY} answers that one value; otherwise {@code queryPath} selects: ''
   * (or absent) every attribute, {@code NS/} a namespace, {@code NS/KEY} one key. Nothing under
   * the path is a 404 for the path, as the API answers before a VM has written anything.
   */
  private void guestAttributes(HttpExchange exchange, Route route, Map<String, String> query) throws IOException {
    String instancePath = GroupRef.zonePath(route.project(), route.location()) + "/instances/" + route.resource();
    Optional<List<GuestAttribute>> found = state.guestAttributes(route.project(), route.location(), route.resource());
    if (found.isEmpty()) {
      sendError(exchange, ApiError.notFound(instancePath));
      return;
    }
    String variableKey = query.getOrDefault("variableKey", "");
    GuestAttributes.Builder answer = GuestAttributes.newBuilder().setKind("compute#guestAttributes");
    if (!variableKey.isEmpty()) {
      Optional<GuestAttribute> value = found.get().stream().filter(a -> a.path().equals(variableKey)).findFirst();
      if (value.isEmpty()) {
        sendError(exchange, ApiError.notFound(instancePath + "/guestAttributes/" + variableKey));
        return;
      }
      send(exchange, answer.setVariableKey(variableKey).setVariableValue(value.get().value())
          .setSelfLink(GroupRef.API_BASE + instancePath + "/guestAttributes/" + variableKey).build());
      return;
    }
    String queryPath = query.getOrDefault("queryPath", "");
    GuestAttributesValue.Builder items = GuestAttributesValue.newBuilder();
    for (GuestAttribute a : found.get()) {
      if (underPath(a, queryPath)) {
        items.addItems(GuestAttributesEntry.newBuilder()
            .setNamespace(a.namespace()).setKey(a.key()).setValue(a.value()));
      }
    }
    if (items.getItemsCount() == 0) {
      sendError(exchange, ApiError.notFound(instancePath + "/guestAttributes/" + queryPath));
      return;
    }
    send(exchange, answer.setQueryPath(queryPath).setQueryValue(items)
        .setSelfLink(GroupRef.API_BASE + instancePath + "/guestAttributes/" + queryPath).build());
  }

  private static boolean underPath(GuestAttribute a, String queryPath) {
    if (queryPath.isEmpty()) {
      return true;
    }
    int slash = queryPath.indexOf('/');
    if (slash < 0 || slash == queryPath.length() - 1) {
      return a.namespace().equals(slash < 0 ? queryPath : queryPath.substring(0, slash));
    }
    return a.path().equals(queryPath);
  }

  /** The named instances as members of this group, or the 400 for the first that is not one. */
  private Object members(GroupState g, InstanceGroupManagersStopInstancesRequest body) {
    if (body.getInstancesCount() == 0) {
      return ApiError.required("instances");
    }
    List<InstanceRecord> members = new ArrayList<>();
    for (int i = 0; i < body.getInstancesCount(); i++) {
      String url = body.getInstances(i);
      String name = url.substring(url.lastIndexOf('/') + 1);
      InstanceRecord r = state.member(g, name).orElse(null);
      if (r == null || (url.contains("/zones/") && !url.contains("/zones/" + r.zone() + "/"))) {
        return ApiError.invalid("Invalid value for field 'request.instances[" + i + "]': '" + url
            + "'. Instance is not a member of the instance group.");
      }
      members.add(r);
    }
    return members;
  }

  /** The parsed body, or the API's 400 for it. */
  static Object parseInstancesRequest(String body) {
    if (body.isBlank()) {
      return InstanceGroupManagersStopInstancesRequest.getDefaultInstance();
    }
    ApiError syntax = checkSyntax(body);
    if (syntax != null) {
      return syntax;
    }
    InstanceGroupManagersStopInstancesRequest.Builder b = InstanceGroupManagersStopInstancesRequest.newBuilder();
    try {
      JsonFormat.parser().merge(body, b);
      return b.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      Matcher unknown = Pattern.compile("Cannot find field: (\\S+)").matcher(message);
      if (unknown.find()) {
        return ApiError.unknownField(unknown.group(1));
      }
      return ApiError.badJson("Unexpected token.");
    }
  }

  /** Strict RFC 8259 check, with the API's pointer to where the text went wrong. */
  private static ApiError checkSyntax(String body) {
    try {
      JsonReader reader = new JsonReader(new StringReader(body));
      reader.setLenient(false);
      TypeAdapters.JSON_ELEMENT.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new JsonParseException("trailing data at line 1 column " + (body.length()));
      }
      return null;
    } catch (java.io.EOFException e) {
      return ApiError.badJson("Unexpected end of string. Expected a value.\n\n^");
    } catch (IOException | RuntimeException e) {
      Matcher at = GSON_POSITION.matcher(String.valueOf(e.getMessage()));
      String[] lines = body.split("\n", -1);
      int line = 1;
      int column = 1;
      if (at.find()) {
        line = Integer.parseInt(at.group(1));
        column = Integer.parseInt(at.group(2));
      }
      String text = lines[Math.min(Math.max(line, 1), lines.length) - 1];
      int caret = Math.max(0, Math.min(column - 2, text.length()));
      return ApiError.badJson("Unexpected token.\n" + text + "\n" + " ".repeat(caret) + "^");
    }
  }

  private static void send(HttpExchange exchange, MessageOrBuilder message) throws IOException {
    LoopbackServer.sendJson(exchange, 200, PRINTER.print(message));
  }

  static void sendError(HttpExchange exchange, ApiError error) throws IOException {
    LoopbackServer.sendJson(exchange, error.code(), error.toJson());
  }

  /** What Google's front end answers for a URL no API serves: an HTML page, not JSON. */
  static void sendNotFoundPage(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath().replace("&", "&amp;").replace("<", "&lt;");
    String html = "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        + "  <meta name=viewport content=\"initial-scale=1, minimum-scale=1, width=device-width\">\n"
        + "  <title>Error 404 (Not Found)!!1</title>\n"
        + "  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>\n"
        + "  <p><b>404.</b> <ins>That\u2019s an error.</ins>\n"
        + "  <p>The requested URL <code>" + path + "</code> was not found on this server."
        + "  <ins>That\u2019s all we know.</ins>\n";
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=UTF-8");
    exchange.sendResponseHeaders(404, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    exchange.close();
  }
}
