package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.NoCredentials;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.snooze.functions.state.FirestoreStateStore;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.functions.LocalFunctions.Entry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to the three functions, each in its JVM under the Functions Framework as Cloud
 * Functions runs it, on one local stack. Every case is one line of a table: what is sent, and
 * what must come back. Each case checks that nothing changed that should not have (the Firestore
 * state document, Compute's resizes, stops and starts), and the last test checks that each
 * function still does its job afterwards.
 *
 * <p>Wake must acknowledge (2xx) whatever it is given, or Pub/Sub would redeliver a bad message
 * forever; an event that is not a Pub/Sub message is logged as a WARNING and changes nothing; a
 * Pub/Sub message whose body is not Snooze's activity JSON still counts as activity at its
 * publish time (README: "any message on the activity topic counts"), with a WARNING naming what
 * was dropped. Requests without the CloudEvent headers never reach Snooze's code: the Functions
 * Framework answers them itself (see {@link #frameworkRefuses}); Eventarc, and the local bridge
 * (EventarcBadInputTest), always send them.
 *
 * <p>Orders: Status and Sleep first (the GPU asleep, so a tick changes nothing), then events
 * that change nothing, then the messages that count (the first one wakes the GPU), then the
 * good requests.
 */
@ExtendWith(SharedEmulators.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FunctionsBadInputTest {
  private static final String PUBSUB_TYPE = "google.cloud.pubsub.topic.v1.messagePublished";
  private static final String SOURCE = "//pubsub.googleapis.com/projects/snooze-local-test/topics/activity";
  private static final Instant FAR_PAST = Instant.parse("1970-01-01T00:00:01Z");
  private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T23:59:59Z");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> MUTATIONS = List.of("resize", "stopInstances", "startInstances");

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger IDS = new AtomicInteger();
  private static LocalStack stack;
  private static Firestore firestore;
  private static String collection;
  private static String documentId;

  @BeforeAll
  static void start(LocalEmulators emulators) throws Exception {
    Map<String, String> env = TestStacks.env(emulators, Map.of(
        // No scheduler tick and no sleep while the corpus runs: only the cases change state.
        "SNOOZE_IDLE_TIMEOUT", "3600",
        "SNOOZE_SLEEP_CHECK_INTERVAL", "3600",
        // Every counted message is written, however close to the previous one.
        "SNOOZE_ACTIVITY_GRANULARITY", "0.001",
        // The wake's VM never boots meanwhile: the phase stays WAKING.
        "SNOOZE_SIM_BOOT_TIME", "3600"));
    stack = LocalStack.start(env);
    collection = env.get("SNOOZE_STATE_COLLECTION");
    documentId = FirestoreStateStore.documentId(
        stack.mig().project(), stack.mig().location(), stack.mig().name());
    firestore = FirestoreOptions.newBuilder()
        .setProjectId(SharedEmulators.PROJECT)
        .setHost(emulators.firestoreHost())
        .setEmulatorHost(emulators.firestoreHost())
        .setCredentials(NoCredentials.getInstance())
        .build().getService();
  }

  @AfterAll
  static void stop() throws Exception {
    if (firestore != null) {
      firestore.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Status and Sleep: plain HTTP.

  /** One HTTP request to Status or Sleep and the answer it must get. */
  record HttpCase(String name, Entry entry, String method, String pathAndQuery, String contentType,
      String body, int status, String inBody) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<HttpCase> statusCases() {
    return Stream.of(
        new HttpCase("POST", Entry.STATUS, "POST", "/", "application/json", "{}", 405, "method not allowed: use GET"),
        new HttpCase("PUT", Entry.STATUS, "PUT", "/", "application/json", "{\"phase\":\"AWAKE\"}", 405, "use GET"),
        new HttpCase("DELETE", Entry.STATUS, "DELETE", "/", null, null, 405, "use GET"),
        new HttpCase("PATCH", Entry.STATUS, "PATCH", "/", "application/json", "{\"phase\":\"AWAKE\"}", 405, "use GET"),
        new HttpCase("OPTIONS", Entry.STATUS, "OPTIONS", "/", null, null, 405, "use GET"),
        new HttpCase("made-up method", Entry.STATUS, "SNOOZE", "/", null, null, 405, "use GET"),
        new HttpCase("GET with a body", Entry.STATUS, "GET", "/", "application/json", "{\"phase\":\"AWAKE\"}", 200, "\"phase\":\"ASLEEP\""),
        new HttpCase("GET with a junk query", Entry.STATUS, "GET", "/?phase=AWAKE&&=&x=%00%FF&x", null, null, 200, "\"phase\":\"ASLEEP\""),
        new HttpCase("GET on another path", Entry.STATUS, "GET", "/status/v2/anything", null, null, 200, "\"phase\":\"ASLEEP\""),
        // Refused by the framework's HTTP server before the function (a plain-text 400).
        new HttpCase("GET with dot segments", Entry.STATUS, "GET", "/../../etc/passwd", null, null, 400, null),
        new HttpCase("GET with a 64 KiB query", Entry.STATUS, "GET", "/?q=" + "q".repeat(64 << 10), null, null, 414, null),
        new HttpCase("GET with an odd content type", Entry.STATUS, "GET", "/", "multipart/form-data; boundary=x", "--x--", 200, "\"phase\":\"ASLEEP\""));
  }

  static Stream<HttpCase> sleepCases() {
    return Stream.of(
        new HttpCase("GET", Entry.SLEEP, "GET", "/", null, null, 405, "method not allowed: use POST"),
        new HttpCase("PUT", Entry.SLEEP, "PUT", "/", "application/json", "{}", 405, "use POST"),
        new HttpCase("DELETE", Entry.SLEEP, "DELETE", "/", null, null, 405, "use POST"),
        new HttpCase("PATCH", Entry.SLEEP, "PATCH", "/", "application/json", "{}", 405, "use POST"),
        new HttpCase("made-up method", Entry.SLEEP, "SLEEP", "/", null, null, 405, "use POST"),
        // The scheduler's body, if any, carries nothing: the check runs, and there is nothing to do.
        new HttpCase("POST with JSON asking for a wake", Entry.SLEEP, "POST", "/", "application/json", "{\"action\":\"wake\"}", 200, "\"action\":\"none\""),
        new HttpCase("POST with invalid JSON", Entry.SLEEP, "POST", "/", "application/json", "{\"action\":", 200, "\"action\":\"none\""),
        new HttpCase("POST with binary bytes", Entry.SLEEP, "POST", "/", "application/octet-stream", "\u0000\u00ff\u0001", 200, "\"action\":\"none\""),
        new HttpCase("POST with a form", Entry.SLEEP, "POST", "/?force=true", "application/x-www-form-urlencoded", "action=wake", 200, "\"action\":\"none\""),
        new HttpCase("POST with a 1 MiB body", Entry.SLEEP, "POST", "/", "text/plain", "z".repeat(1 << 20), 200, "\"action\":\"none\""));
  }

  @Order(1)
  @ParameterizedTest(name = "Status: {0}")
  @MethodSource("statusCases")
  void statusAnswersBadRequestsClearlyAndChangesNothing(HttpCase c) throws Exception {
    httpCase(c);
  }

  @Order(2)
  @ParameterizedTest(name = "Sleep: {0}")
  @MethodSource("sleepCases")
  void sleepAnswersBadRequestsClearlyAndChangesNothing(HttpCase c) throws Exception {
    httpCase(c);
  }

  private static void httpCase(HttpCase c) throws Exception {
    Snapshot before = snapshot();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(c.entry()) + c.pathAndQuery()))
        .timeout(WAIT)
        .method(c.method(), c.body() == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body()));
    if (c.contentType() != null) {
      request.header("Content-Type", c.contentType());
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
    assertThat(snapshot()).as("state document and Compute").isEqualTo(before);
    if (c.inBody() == null) {
      return;
    }
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    if (c.status() >= 400) {
      assertThat(body.get("error").getAsString()).contains(c.inBody());
    } else {
      assertThat(response.body()).contains(c.inBody());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wake: binary-mode CloudEvents, as Eventarc POSTs them.

  /** What Wake must do with a case. */
  sealed interface Expect {}

  /** Not a Pub/Sub message: acknowledged, a WARNING naming {@code reason}, nothing changed. */
  record Ignored(String reason) implements Expect {}

  /**
   * A Pub/Sub message: acknowledged and recorded as activity, at its publish time (or at receipt
   * when it has none, or one in the future), never moving the recorded activity back; with a
   * WARNING naming {@code warning} when not null.
   */
  record Counted(String warning, boolean atReceipt) implements Expect {}

  /** Refused by the Functions Framework before Snooze's code runs; nothing changed. */
  record FrameworkRefuses(int status) implements Expect {}

  /**
   * One request to Wake. {@code {id}} in the body becomes the case's unique id and
   * {@code {publishTime}} its publish time: {@code publishTime}, or the time of sending when null.
   */
  record WakeCase(String name, Map<String, String> headers, String body, Instant publishTime, Expect expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The request Eventarc sends, with any header changed ({@code null} removes it). */
  private static Map<String, String> headers(String type, Object... changes) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("ce-specversion", "1.0");
    headers.put("ce-id", "{id}");
    headers.put("ce-source", SOURCE);
    headers.put("ce-type", type);
    headers.put("ce-time", "{publishTime}");
    headers.put("Content-Type", "application/json");
    for (int i = 0; i < changes.length; i += 2) {
      if (changes[i + 1] == null) {
        headers.remove((String) changes[i]);
      } else {
        headers.put((String) changes[i], (String) changes[i + 1]);
      }
    }
    return headers;
  }

  private static WakeCase event(String name, String data, Expect expect) {
    return new WakeCase(name, headers(PUBSUB_TYPE), data, null, expect);
  }

  /** MessagePublishedData around {@code message}, a JSON object's members. */
  private static WakeCase message(String name, String message, Expect expect) {
    return message(name, message, null, expect);
  }

  private static WakeCase message(String name, String message, Instant publishTime, Expect expect) {
    return new WakeCase(name, headers(PUBSUB_TYPE),
        "{\"subscription\":\"projects/snooze-local-test/subscriptions/eventarc-sub\",\"message\":{" + message + "}}",
        publishTime, expect);
  }

  /** A Pub/Sub message published now with {@code body} as its data. */
  private static WakeCase body(String name, byte[] body, String warning) {
    return message(name, "\"data\":\"" + Base64.getEncoder().encodeToString(body)
        + "\",\"messageId\":\"{id}\",\"publishTime\":\"{publishTime}\"", new Counted(warning, false));
  }

  private static WakeCase body(String name, String body, String warning) {
    return body(name, body.getBytes(StandardCharsets.UTF_8), warning);
  }

  private static final String NOT_A_MESSAGE = "is not a Pub/Sub MessagePublishedData";
  private static final String WITHOUT_DETAIL = "counted as activity without detail";

  static Stream<WakeCase> ignoredEvents() {
    return Stream.of(
        new WakeCase("another event type (Cloud Storage)",
            headers("google.cloud.storage.object.v1.finalized"), "{\"bucket\":\"b\",\"name\":\"o\"}", null,
            new Ignored("is not " + PUBSUB_TYPE)),
        new WakeCase("Pub/Sub type, no data at all",
            headers(PUBSUB_TYPE, "Content-Type", null), null, null, new Ignored("has no data")),
        event("data is not JSON", "this is not JSON", new Ignored(NOT_A_MESSAGE)),
        event("data is a JSON array", "[{\"message\":{}}]", new Ignored(NOT_A_MESSAGE)),
        event("data is a JSON string", "\"message\"", new Ignored(NOT_A_MESSAGE)),
        event("data is JSON null", "null", new Ignored(NOT_A_MESSAGE)),
        event("data is truncated JSON", "{\"message\":{\"data\":\"aGk=\"", new Ignored(NOT_A_MESSAGE)),
        event("data is an empty object", "{}", new Ignored("carries no Pub/Sub message")),
        event("message is a string", "{\"message\":\"hello\"}", new Ignored(NOT_A_MESSAGE)),
        message("message data is not base64", "\"data\":\"%%% not base64 %%%\"", new Ignored(NOT_A_MESSAGE)),
        message("publishTime is not a timestamp", "\"publishTime\":\"yesterday\"", new Ignored(NOT_A_MESSAGE)),
        message("publishTime is past year 9999", "\"publishTime\":\"10000-01-01T00:00:00Z\"", new Ignored(NOT_A_MESSAGE)),
        message("a 64 KiB publishTime", "\"publishTime\":\"" + "9".repeat(64 << 10) + "\"", new Ignored(NOT_A_MESSAGE)),
        message("attribute value is an object", "\"attributes\":{\"a\":{\"b\":1}}", new Ignored(NOT_A_MESSAGE)),
        message("messageId is an object", "\"messageId\":{\"id\":1}", new Ignored(NOT_A_MESSAGE)),
        message("a 64 KiB messageId", "\"messageId\":\"" + "7".repeat(64 << 10) + "\"", new Ignored("not a Pub/Sub message id")),
        event("JSON nested 100000 deep", "[".repeat(100_000) + "]".repeat(100_000), new Ignored(NOT_A_MESSAGE)),
        event("4 MiB of garbage", "x".repeat(4 << 20), new Ignored(NOT_A_MESSAGE)),
        new WakeCase("structured mode, another event type",
            Map.of("Content-Type", "application/cloudevents+json"),
            "{\"specversion\":\"1.0\",\"id\":\"{id}\",\"source\":\"//storage.googleapis.com\","
                + "\"type\":\"google.cloud.storage.object.v1.finalized\",\"data\":{}}", null,
            new Ignored("is not " + PUBSUB_TYPE)));
  }

  /**
   * Not a CloudEvent: the Functions Framework answers 500 itself, before Snooze's code runs (a
   * retry loop if Pub/Sub pushed it; Eventarc and the local bridge always send these headers).
   */
  static Stream<WakeCase> frameworkRefuses() {
    return Stream.of(
        new WakeCase("no CloudEvent headers at all", Map.of("Content-Type", "application/json"),
            "{\"message\":{\"data\":\"e30=\"}}", null, new FrameworkRefuses(500)),
        new WakeCase("no ce-id", headers(PUBSUB_TYPE, "ce-id", null), "{\"message\":{}}", null,
            new FrameworkRefuses(500)),
        new WakeCase("unknown ce-specversion", headers(PUBSUB_TYPE, "ce-specversion", "9.9"),
            "{\"message\":{}}", null, new FrameworkRefuses(500)));
  }

  static Stream<WakeCase> countedMessages() {
    Map<String, String> weird = new LinkedHashMap<>();
    weird.put("", "empty key");
    weird.put("ce-type", "google.cloud.storage.object.v1.finalized");
    weird.put("ключ", "значение \u0000 \uD83D\uDE34");
    weird.put("long", "v".repeat(1024));
    StringBuilder attributes = new StringBuilder();
    weird.forEach((k, v) -> attributes.append(attributes.length() == 0 ? "" : ",")
        .append(new JsonPrimitive(k)).append(':').append(new JsonPrimitive(v)));
    return Stream.of(
        body("body is not JSON", "wake up!", WITHOUT_DETAIL),
        body("body is a JSON array", "[1,2,3]", WITHOUT_DETAIL),
        body("body is binary, not UTF-8", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0x80}, WITHOUT_DETAIL),
        body("body nested 100000 deep", "[".repeat(100_000) + "]".repeat(100_000), WITHOUT_DETAIL),
        body("body is 4 MiB of text", "y".repeat(4 << 20), WITHOUT_DETAIL),
        body("schemaVersion 2", "{\"schemaVersion\":2,\"source\":\"future\"}", "schemaVersion 2"),
        body("schemaVersion is a string", "{\"schemaVersion\":\"1\"}", "schemaVersion \"1\""),
        body("source is a number", "{\"schemaVersion\":1,\"source\":42}", "source is not a short string"),
        body("source is 10000 characters", "{\"source\":\"" + "s".repeat(10_000) + "\"}", "source is not a short string"),
        body("kind is unknown", "{\"kind\":\"shout\"}", "is not request, heartbeat or intent"),
        body("inFlight is negative", "{\"kind\":\"heartbeat\",\"inFlight\":-1}", "inFlight -1 is not a count"),
        body("inFlight is a fraction", "{\"kind\":\"heartbeat\",\"inFlight\":1.5}", "inFlight 1.5 is not a count"),
        body("inFlight is huge", "{\"kind\":\"heartbeat\",\"inFlight\":1e12}", "is not a count"),
        body("inFlight is a string", "{\"kind\":\"heartbeat\",\"inFlight\":\"3\"}", "inFlight \"3\" is not a count"),
        body("inFlight is a 64 KiB array", "{\"inFlight\":[" + "1,".repeat(32 << 10) + "1]}", "is not a count"),
        body("schemaVersion is a 64 KiB string", "{\"schemaVersion\":\"" + "9".repeat(64 << 10) + "\"}", "schemaVersion"),
        // protobuf's JSON reads a number as base64 text: a message whose body is two odd bytes.
        message("message data is a number", "\"data\":42,\"messageId\":\"{id}\"", new Counted(WITHOUT_DETAIL, false)),
        message("empty message, publish time from ce-time", "", new Counted(null, false)),
        new WakeCase("no publish time anywhere", headers(PUBSUB_TYPE, "ce-time", null),
            "{\"message\":{\"messageId\":\"{id}\"}}", null, new Counted("has no publish time", true)),
        message("publish time in the far future", "\"messageId\":\"{id}\",\"publishTime\":\"{publishTime}\"",
            FAR_FUTURE, new Counted("in the future", true)),
        message("publish time in the far past", "\"messageId\":\"{id}\",\"publishTime\":\"{publishTime}\"",
            FAR_PAST, new Counted(null, false)),
        message("unknown fields", "\"messageId\":\"{id}\",\"publishTime\":\"{publishTime}\",\"orderingKey\":\"k\","
            + "\"deliveryAttempt\":5,\"extra\":{\"deep\":[1,2]}", new Counted(null, false)),
        message("odd attributes", "\"messageId\":\"{id}\",\"publishTime\":\"{publishTime}\",\"attributes\":{" + attributes + "}",
            new Counted(null, false)));
  }

  @Order(3)
  @ParameterizedTest(name = "Wake ignores: {0}")
  @MethodSource("ignoredEvents")
  void wakeAcknowledgesAndLogsEventsThatAreNotMessagesAndChangesNothing(WakeCase c) throws Exception {
    wakeCase(c);
  }

  @Order(4)
  @ParameterizedTest(name = "Functions Framework refuses: {0}")
  @MethodSource("frameworkRefuses")
  void requestsThatAreNotCloudEventsNeverReachSnoozesCode(WakeCase c) throws Exception {
    wakeCase(c);
  }

  @Order(5)
  @ParameterizedTest(name = "Wake counts: {0}")
  @MethodSource("countedMessages")
  void wakeCountsMessagesWithBadDetailAsActivityAndSaysWhatItDropped(WakeCase c) throws Exception {
    wakeCase(c);
  }

  private static void wakeCase(WakeCase c) throws Exception {
    String id = "bad-input-" + IDS.incrementAndGet();
    Instant sentAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant publishTime = c.publishTime() != null ? c.publishTime() : sentAt;
    Snapshot before = snapshot();
    long logOffset = Files.size(log(Entry.WAKE));

    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(Entry.WAKE))).timeout(WAIT)
        .POST(c.body() == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(fill(c.body(), id, publishTime)));
    c.headers().forEach((name, value) -> request.header(name, fill(value, id, publishTime)));
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    Instant answeredAt = Instant.now();

    if (c.expect() instanceof Ignored ignored) {
      assertThat(response.statusCode()).as("acknowledged, so never redelivered").isBetween(200, 299);
      awaitWarning(logOffset, ignored.reason());
      assertThat(snapshot()).as("state document and Compute").isEqualTo(before);
    } else if (c.expect() instanceof FrameworkRefuses refused) {
      assertThat(response.statusCode()).isEqualTo(refused.status());
      assertThat(snapshot()).as("state document and Compute").isEqualTo(before);
    } else if (c.expect() instanceof Counted counted) {
      assertThat(response.statusCode()).as("acknowledged, so never redelivered").isBetween(200, 299);
      if (counted.warning() != null) {
        awaitWarning(logOffset, counted.warning());
      }
      Instant recorded = snapshot().lastActivity();
      if (counted.atReceipt()) {
        assertThat(recorded).isBetween(sentAt.minusMillis(1), answeredAt);
      } else {
        Instant expected = before.lastActivity() == null || publishTime.isAfter(before.lastActivity())
            ? publishTime : before.lastActivity();
        assertThat(recorded).as("at its publish time, never back").isEqualTo(expected);
      }
    }
    // However big the input, what it makes Wake log stays small (Cloud Logging cuts at 256 KB).
    assertThat(rawLinesAfter(log(Entry.WAKE), logOffset))
        .allSatisfy(line -> assertThat(line.length()).as("log line length").isLessThan(16 << 10));
  }

  // ---------------------------------------------------------------------------------------------
  // Afterwards, each function still does its job.

  @Order(6)
  @Test
  void afterAllThatEachFunctionStillDoesItsJob() throws Exception {
    String id = "good-" + IDS.incrementAndGet();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String data = Base64.getEncoder().encodeToString(
        "{\"schemaVersion\":1,\"source\":\"bad-input-suite\",\"kind\":\"request\"}".getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder wake = HttpRequest.newBuilder(URI.create(url(Entry.WAKE))).timeout(WAIT)
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"" + id
            + "\",\"publishTime\":\"" + now + "\"}}"));
    headers(PUBSUB_TYPE).forEach((name, value) -> wake.header(name, fill(value, id, now)));
    assertThat(HTTP.send(wake.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    DocumentSnapshot state = document();
    assertThat(state.getString("lastSource")).isEqualTo("bad-input-suite");
    assertThat(state.getString("phase")).isEqualTo("WAKING");
    assertThat(stack.compute().calls()).containsEntry("compute.regionInstanceGroupManagers.resize", 1L);

    HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(URI.create(url(Entry.STATUS))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    JsonObject shown = JsonParser.parseString(status.body()).getAsJsonObject();
    assertThat(shown.get("phase").getAsString()).isEqualTo("WAKING");
    assertThat(Instant.parse(shown.get("lastActivity").getAsString())).isEqualTo(now);

    HttpResponse<String> sleep = HTTP.send(HttpRequest.newBuilder(URI.create(url(Entry.SLEEP)))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(sleep.statusCode()).isEqualTo(200);
    assertThat(sleep.body()).isEqualTo("{\"action\":\"none\"}");
  }

  // ---------------------------------------------------------------------------------------------

  /** What must not change: the state document and Compute's mutating calls. */
  record Snapshot(boolean exists, Timestamp updateTime, Instant lastActivity, Map<String, Long> mutations) {}

  private static Snapshot snapshot() throws Exception {
    DocumentSnapshot doc = document();
    Timestamp last = doc.exists() ? doc.getTimestamp("lastActivity") : null;
    Map<String, Long> mutations = new TreeMap<>();
    stack.compute().calls().forEach((method, count) -> {
      if (MUTATIONS.contains(method.substring(method.lastIndexOf('.') + 1))) {
        mutations.put(method, count);
      }
    });
    return new Snapshot(doc.exists(), doc.getUpdateTime(), last == null ? null : last.toDate().toInstant(),
        mutations);
  }

  private static DocumentSnapshot document() throws Exception {
    return firestore.collection(collection).document(documentId).get().get();
  }

  private static String url(Entry entry) {
    return stack.functions().url(entry);
  }

  private static Path log(Entry entry) {
    return stack.functions().log(entry);
  }

  private static String fill(String text, String id, Instant publishTime) {
    return text.replace("{id}", id).replace("{publishTime}", publishTime.toString());
  }

  /** A WARNING line written to the function's log after {@code offset}, naming {@code reason}. */
  private static void awaitWarning(long offset, String reason) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(linesAfter(log(Entry.WAKE), offset))
        .anySatisfy(line -> {
          assertThat(line.get("severity").getAsString()).isEqualTo("WARNING");
          assertThat(line.get("message").getAsString()).contains(reason);
        }));
  }

  private static List<JsonObject> linesAfter(Path log, long offset) throws IOException {
    return rawLinesAfter(log, offset).stream()
          .filter(line -> line.startsWith("{"))
          .map(JsonParser::parseString)
          .filter(JsonElement::isJsonObject)
          .map(JsonElement::getAsJsonObject)
          .toList();
  }

  private static List<String> rawLinesAfter(Path log, long offset) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      file.seek(offset);
      byte[] bytes = new byte[(int) (file.length() - offset)];
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8).lines().toList();
    }
  }
}
