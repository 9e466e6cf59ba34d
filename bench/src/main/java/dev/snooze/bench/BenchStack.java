package dev.snooze.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.config.GpuOffer;
import dev.snooze.local.LocalStack;
import dev.snooze.local.compute.ReceivedCall;
import dev.snooze.local.compute.StockoutKind;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local stack a benchmark runs on, started in the driver's JVM exactly as
 * {@code java -jar local/target/snooze-local.jar} starts it (the functions and the frontend in
 * their own JVMs, the emulators as child processes), and the calls the drivers make to it over
 * HTTP: the Status function, the Sleep function as Cloud Scheduler calls it, and the Compute
 * simulator's log of the calls it received, its MIGs and its stockouts.
 */
public final class BenchStack implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final LocalStack stack;
  private final Path logDir;
  private final Map<String, Object> endpoints;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private BenchStack(LocalStack stack, Path logDir) {
    this.stack = stack;
    this.logDir = logDir;
    this.endpoints = stack.endpoints();
  }

  /**
   * Starts a stack configured only by {@code knobs} (the shell's own SNOOZE_* variables and
   * emulator hosts are ignored, so that a run is reproducible), its frontend on a free port.
   *
   * @param knobs the stack's variables, e.g. SNOOZE_IDLE_TIMEOUT; PUBSUB_EMULATOR_HOST or
   *     FIRESTORE_EMULATOR_HOST to use an emulator started by the driver
   * @param logDir where the emulators, functions and frontend write their logs
   */
  public static BenchStack start(Map<String, String> knobs, Path logDir) throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("SNOOZE_")
        || k.equals("PUBSUB_EMULATOR_HOST") || k.equals("FIRESTORE_EMULATOR_HOST"));
    env.put("SNOOZE_PORT", "0");
    env.put("SNOOZE_EMULATOR_LOG_DIR", logDir.toAbsolutePath().toString());
    env.putAll(knobs);
    Files.createDirectories(logDir);
    return new BenchStack(LocalStack.start(env), logDir.toAbsolutePath());
  }

  /** Each stand-in GPU VM's requests: answered, turned away busy, cut. */
  public List<dev.snooze.local.gpu.VmStats> gpuVms() {
    return stack.gpuVms();
  }

  /** The READY line's object. */
  public Map<String, Object> endpoints() {
    return endpoints;
  }

  public URI frontend() {
    return URI.create((String) endpoints.get("frontend"));
  }

  public String pubsubHost() {
    return (String) endpoints.get("pubsub");
  }

  public String project() {
    return (String) endpoints.get("project");
  }

  public String topic() {
    return (String) endpoints.get("topic");
  }

  public String compute() {
    return (String) endpoints.get("compute");
  }

  /** The GPU offers in order of preference (the READY line's {@code offers}). */
  public List<GpuOffer> offers() {
    @SuppressWarnings("unchecked")
    List<String> offers = (List<String>) endpoints.get("offers");
    return GpuOffer.parseList(String.join(",", offers));
  }

  /** {@code http://127.0.0.1:PORT} of a function: "wake", "sleep" or "status". */
  public String function(String name) {
    @SuppressWarnings("unchecked")
    Map<String, String> functions = (Map<String, String>) endpoints.get("functions");
    return functions.get(name);
  }

  public Path logDir() {
    return logDir;
  }

  /** The log of the child started as "NAME" (e.g. "wake function") on the given URL's port. */
  public Path childLog(String name, String url) {
    String file = name.replace(' ', '-') + "-" + URI.create(url).getPort() + ".log";
    return logDir.resolve(file);
  }

  /** The JSON lines of a log, skipping anything that is not a JSON object. */
  public static List<JsonObject> jsonLines(Path log) throws IOException {
    List<JsonObject> lines = new ArrayList<>();
    try (Stream<String> stream = Files.lines(log)) {
      stream.filter(l -> l.startsWith("{")).forEach(l -> {
        try {
          JsonElement e = JsonParser.parseString(l);
          if (e.isJsonObject()) {
            lines.add(e.getAsJsonObject());
          }
        } catch (RuntimeException ignored) {
          // A line cut by the process's end, or not ours.
        }
      });
    }
    return lines;
  }

  /** The Status function's phase: ASLEEP, WAKING, AWAKE, SLEEPING or ERROR. */
  public String phase() throws IOException, InterruptedException {
    return status().get("phase").getAsString();
  }

  /** Waits until Status says {@code phase}, polling every 100 ms; fails after {@code timeout} with Status's answer. */
  public void awaitPhase(String phase, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (phase.equals(phase())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not " + phase + " within " + timeout.toSeconds() + " s: " + status());
  }

  public JsonObject status() throws IOException, InterruptedException {
    return json(send(HttpRequest.newBuilder(URI.create(function("status"))).GET()));
  }

  /** One sleep check, as Cloud Scheduler makes it: {"action":"sleep"|"wake"|"none",...}. */
  public JsonObject sleepCheck() throws IOException, InterruptedException {
    return json(send(HttpRequest.newBuilder(URI.create(function("sleep"))).POST(HttpRequest.BodyPublishers.noBody())));
  }

  /** The calls the Compute simulator received after {@code since}, oldest first. */
  public List<ReceivedCall> computeCalls(Instant since) throws IOException, InterruptedException {
    String query = since == null ? "" : "?since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8);
    JsonObject body = json(send(HttpRequest.newBuilder(URI.create(compute() + "/simulator/calls/log" + query)).GET()));
    List<ReceivedCall> calls = new ArrayList<>();
    body.getAsJsonArray("calls").forEach(e -> {
      JsonObject c = e.getAsJsonObject();
      calls.add(new ReceivedCall(c.get("method").getAsString(), Instant.parse(c.get("at").getAsString()),
          c.has("size") ? c.get("size").getAsInt() : null, c.has("resource") ? c.get("resource").getAsString() : null));
    });
    return calls;
  }

  /**
   * Stocks out an offer's MIG in all its zones, as the simulator's control route does: its
   * creations wait for capacity and its resize operations end with {@code kind}'s error.
   */
  public void stockout(GpuOffer offer, StockoutKind kind) throws IOException, InterruptedException {
    stockout(offer, kind, true);
  }

  /** Capacity returns to an offer's MIG. */
  public void endStockout(GpuOffer offer) throws IOException, InterruptedException {
    stockout(offer, null, false);
  }

  private void stockout(GpuOffer offer, StockoutKind kind, boolean active) throws IOException, InterruptedException {
    JsonObject body = new JsonObject();
    body.addProperty("group", offer.mig());
    if (kind != null) {
      body.addProperty("kind", kind.name());
    }
    body.addProperty("active", active);
    send(HttpRequest.newBuilder(URI.create(compute() + "/simulator/faults/stockout"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  /** An offer's MIG as the Compute API returns it: {@code targetSize}, {@code currentActions}... */
  public JsonObject mig(GpuOffer offer) throws IOException, InterruptedException {
    String path = "/compute/v1/projects/" + project() + (offer.zonal() ? "/zones/" : "/regions/") + offer.location()
        + "/instanceGroupManagers/" + offer.mig();
    return json(send(HttpRequest.newBuilder(URI.create(compute() + path)).GET()));
  }

  private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(request.build().uri() + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static JsonObject json(String body) {
    return JsonParser.parseString(body).getAsJsonObject();
  }

  @Override
  public void close() {
    stack.close();
  }
}
