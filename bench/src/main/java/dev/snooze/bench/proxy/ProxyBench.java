package dev.snooze.bench.proxy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.bench.Machine;
import dev.snooze.bench.Spread;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.frontend.LocalFrontend;
import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.HttpProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.function.Supplier;

/**
 * P3: Snooze's frontend as a proxy beside two baselines, all in front of the same backend, in the
 * same run: Debian's nginx (the goal's yardstick) and a bare Vert.x proxy with the frontend's JVM
 * flags ({@link BareVertxProxy}: the floor of the JVM and Vert.x, so that what Snooze itself adds
 * shows). Measured: wrk throughput, CPU per request and latency (rounds rotate the three), the
 * resident memory of each under load and after it, and the delay each adds to the first chunk of
 * a streamed answer compared with asking the backend directly.
 *
 * <p>The frontend runs as its container does ({@code java FLAGS -jar snooze-frontend.jar},
 * configured by environment variables), with the backend awake and its activity going to
 * Google's Pub/Sub emulator, so the measured path is the production one (IAP off: no Google
 * tokens here; a verified token is cached per token, so it would add a lookup per request).
 *
 * <p>Usage: {@code ProxyBench [--rounds N] [--seconds S] [--threads T] [--connections C]
 * [--frontend-flags "JVM FLAGS"] [--chunks N]}; run from the repository root after
 * {@code mvn package}.
 */
public final class ProxyBench {
  static final String PROJECT = "snooze-bench";
  static final String TOPIC = "snooze-activity";
  /** The JVM flags of the frontend's container (and of the local stack's frontend); the bare proxy's too. */
  static final String FRONTEND_FLAGS = String.join(" ", LocalFrontend.JVM_FLAGS);
  /** Warm-up rounds of the frontend stop once the rate settles within this fraction, or after MAX_WARMUPS. */
  static final double SETTLED = 0.10;
  static final int MAX_WARMUPS = 12;
  static final long STREAM_PAUSE_MILLIS = 500;
  /** The proxies measured, each against nginx; the two JVMs get the same flags. */
  static final List<String> PROXIES = List.of("frontend", "bare-vertx", "nginx");

  private ProxyBench() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Path repo = Path.of("").toAbsolutePath();
    Path frontendJar = repo.resolve("frontend/target/snooze-frontend.jar");
    if (!Files.exists(frontendJar)) {
      throw new IllegalStateException(frontendJar + " is missing: run mvn -B -q package -DskipTests first");
    }
    Path logDir = Files.createTempDirectory("snooze-bench-p3-");
    System.out.printf(Locale.ROOT, "P3 proxy: wrk -t%d -c%d -d%ds, %d rounds rotating frontend, bare Vert.x and nginx; "
            + "frontend and bare Vert.x flags: %s; logs in %s%n", options.threads, options.connections, options.seconds,
        options.rounds, options.frontendFlags, logDir);
    Map<String, String> emulatorEnv = new HashMap<>(System.getenv());
    emulatorEnv.put(LocalEmulators.LOG_DIR_ENV, logDir.toString());
    try (LocalEmulators emulators = LocalEmulators.start(PROJECT, emulatorEnv);
         ChildProcess backend = startBackend(logDir)) {
      new PubsubEmulatorAdmin(emulators.pubsubHost(), PROJECT).createTopic(TOPIC);
      int backendPort = port(backend);
      try (ChildProcess frontend = startFrontend(frontendJar, options.frontendFlags, backendPort,
               emulators.pubsubHost(), logDir);
           ChildProcess bare = startBare(options.frontendFlags, backendPort, logDir);
           ChildProcess nginx = NginxProxy.start(backendPort, logDir.resolve("nginx"))) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("frontend", port(frontend));
        ports.put("bare-vertx", port(bare));
        ports.put("nginx", port(nginx));
        ports.put("direct", backendPort);
        Map<String, ChildProcess> processes = new LinkedHashMap<>();
        processes.put("frontend", frontend);
        processes.put("bare-vertx", bare);
        processes.put("nginx", nginx);
        new Bench(options, ports, processes).run();
      }
    }
  }

  private record Bench(Options options, Map<String, Integer> ports, Map<String, ChildProcess> processes) {
    void run() throws InterruptedException {
      Wrk wrk = new Wrk(options.threads, options.connections);
      Map<String, Double> rssBefore = new LinkedHashMap<>();
      PROXIES.forEach(target -> rssBefore.put(target, rss(target)));
      // Warm-up: connection pools, and the JIT, which needs tens of seconds on a busy machine. A
      // frontend in production has long been warm; the bare proxy is warmed alike, to compare like with like.
      for (String jvm : List.of("frontend", "bare-vertx")) {
        double previous = 0;
        for (int i = 1; i <= MAX_WARMUPS; i++) {
          double rate = wrk.run(url(jvm), Duration.ofSeconds(4)).requestsPerSecond();
          System.out.printf(Locale.ROOT, "  warm-up  %-10s %8.0f req/s%n", jvm, rate);
          if (previous > 0 && Math.abs(rate - previous) <= SETTLED * previous) {
            break;
          }
          previous = rate;
        }
      }
      wrk.run(url("nginx"), Duration.ofSeconds(4));
      Map<String, List<Wrk.Result>> results = new LinkedHashMap<>();
      Map<String, List<Double>> cpuPerRequest = new LinkedHashMap<>();
      Map<String, DoubleAccumulator> peakRss = new LinkedHashMap<>();
      PROXIES.forEach(target -> peakRss.put(target, new DoubleAccumulator(Math::max, 0)));
      for (int round = 1; round <= options.rounds; round++) {
        // Each proxy takes each place in the order in turn, so that a busy stretch falls on all alike.
        List<String> order = new ArrayList<>(PROXIES);
        Collections.rotate(order, round - 1);
        for (String target : order) {
          List<ProcessHandle> proxy = processes.get(target).tree();
          double cpuBefore = Rss.cpuMillis(proxy);
          Wrk.Result result = whileSampling(target, peakRss.get(target),
              () -> wrk.run(url(target), Duration.ofSeconds(options.seconds)));
          // CPU per request: how much work each proxy does, whatever else ran on the machine.
          double micros = (Rss.cpuMillis(proxy) - cpuBefore) * 1000 / Math.max(1, result.requests());
          results.computeIfAbsent(target, k -> new ArrayList<>()).add(result);
          cpuPerRequest.computeIfAbsent(target, k -> new ArrayList<>()).add(micros);
          System.out.printf(Locale.ROOT, "  round %d %-10s %s  cpu %5.1f us/req%n", round, target, result.describe(),
              micros);
        }
      }
      Wrk.Result direct = wrk.run(url("direct"), Duration.ofSeconds(options.seconds));
      System.out.printf(Locale.ROOT, "  direct   %-10s %s%n", "backend", direct.describe());
      Thread.sleep(2000);
      Map<String, Double> rssAfter = new LinkedHashMap<>();
      PROXIES.forEach(target -> rssAfter.put(target, rss(target)));

      // The streaming path warm too: in production it is the main traffic.
      Map<String, Integer> streamed = new LinkedHashMap<>();
      for (String target : List.of("direct", "nginx", "bare-vertx", "frontend")) {
        streamed.put(target, ports.get(target));
        if (!target.equals("direct")) {
          wrk.run("http://127.0.0.1:" + ports.get(target) + "/api/stream", Duration.ofSeconds(4));
        }
      }
      FirstChunk.measure(streamed, "/api/stream", 5);
      Map<String, Spread> chunks = new LinkedHashMap<>();
      FirstChunk.measure(streamed, "/api/stream", options.chunks)
          .forEach((target, millis) -> chunks.put(target, Spread.of(millis)));

      System.out.println();
      System.out.printf(Locale.ROOT, "Machine: %s%n", Machine.describe());
      Map<String, Spread> rates = new LinkedHashMap<>();
      for (String target : PROXIES) {
        rates.put(target, Spread.of(rates(results.get(target))));
        System.out.printf(Locale.ROOT, "P3 throughput %s: %s%n", target, rates.get(target).describe("%.0f req/s"));
      }
      double nginxRate = rates.get("nginx").median();
      double ratio = rates.get("frontend").median() / nginxRate;
      System.out.printf(Locale.ROOT, "P3 throughput ratio frontend/nginx: %.2f, bare-vertx/nginx: %.2f, frontend/bare-vertx: "
              + "%.2f (direct to the backend: %.0f req/s); goal frontend/nginx >= 0.80: %s%n", ratio,
          rates.get("bare-vertx").median() / nginxRate, rates.get("frontend").median() / rates.get("bare-vertx").median(),
          direct.requestsPerSecond(), ratio >= 0.8 ? "MET" : "MISSED");
      System.out.printf(Locale.ROOT, "P3 CPU per proxied request: %s%n", String.join("; ", PROXIES.stream()
          .map(target -> target + " " + Spread.of(cpuPerRequest.get(target)).describe("%.1f us")).toList()));
      for (String target : PROXIES) {
        System.out.printf(Locale.ROOT, "P3 latency %s: p50 %s; p99 %s%n", target,
            Spread.of(results.get(target).stream().map(Wrk.Result::p50Millis).toList()).describe("%.2f ms"),
            Spread.of(results.get(target).stream().map(Wrk.Result::p99Millis).toList()).describe("%.2f ms"));
      }
      for (Map.Entry<String, Spread> chunk : chunks.entrySet()) {
        System.out.printf(Locale.ROOT, "P3 first chunk %s: %s%n", chunk.getKey(), chunk.getValue().describe("%.2f ms"));
      }
      double directChunk = chunks.get("direct").median();
      double added = chunks.get("frontend").median() - directChunk;
      System.out.printf(Locale.ROOT, "P3 first chunk added by the frontend: %.2f ms (bare-vertx: %.2f ms, nginx: %.2f ms); "
              + "goal <= 5 ms: %s%n", added, chunks.get("bare-vertx").median() - directChunk,
          chunks.get("nginx").median() - directChunk, added <= 5 ? "MET" : "MISSED");
      for (String target : PROXIES) {
        System.out.printf(Locale.ROOT, "P3 %s RSS: %.0f MiB before load, %.0f MiB peak under load, %.0f MiB after%s%n",
            target, rssBefore.get(target), peakRss.get(target).get(), rssAfter.get(target),
            target.equals("nginx") ? " (master + workers)" : "");
      }
      double frontendPeak = Math.max(peakRss.get("frontend").get(), rssAfter.get("frontend"));
      System.out.printf(Locale.ROOT, "P3 frontend RSS goal <= 128 MiB: %s (peak %.0f MiB)%n",
          frontendPeak <= 128 ? "MET" : "MISSED", frontendPeak);
    }

    private double rss(String target) {
      return Rss.mib(processes.get(target).tree());
    }

    private String url(String target) {
      return "http://127.0.0.1:" + ports.get(target) + "/api/hello";
    }

    private Wrk.Result whileSampling(String target, DoubleAccumulator peak, Supplier<Wrk.Result> load) {
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> peak.accumulate(rss(target)), 0, 200, TimeUnit.MILLISECONDS);
      try {
        return load.get();
      } finally {
        sampler.shutdownNow();
      }
    }

    private static List<Double> rates(List<Wrk.Result> results) {
      return results.stream().map(Wrk.Result::requestsPerSecond).toList();
    }
  }

  /** The bare Vert.x proxy, with the frontend's flags and environment, on the same backend. */
  private static ChildProcess startBare(String flags, int backendPort, Path logDir) {
    return ChildProcess.start("bare vert.x proxy", port -> java(Arrays.asList(flags.trim().split("\\s+")),
            List.of("-cp", System.getProperty("java.class.path"), BareVertxProxy.class.getName(),
                Integer.toString(port), Integer.toString(backendPort))),
        LocalFrontend.ENVIRONMENT, host -> HttpProbe.answers(host, "/api/hello"), logDir, Duration.ofSeconds(30));
  }

  private static ChildProcess startBackend(Path logDir) {
    return ChildProcess.start("bench backend", port -> java(List.of("-XX:+UseSerialGC", "-Xmx128m"),
            List.of("-cp", System.getProperty("java.class.path"), Backend.class.getName(),
                Integer.toString(port), "2", Long.toString(STREAM_PAUSE_MILLIS))),
        Map.of(), host -> HttpProbe.answers(host, "/api/hello"), logDir, Duration.ofSeconds(30));
  }

  /** The frontend as its container runs it, configured only by environment variables. */
  private static ChildProcess startFrontend(Path jar, String flags, int backendPort, String pubsubHost, Path logDir) {
    Map<String, String> env = new HashMap<>(LocalFrontend.ENVIRONMENT);
    env.put("SNOOZE_BACKEND_URL", "http://127.0.0.1:" + backendPort);
    env.put("SNOOZE_PROJECT", PROJECT);
    env.put("SNOOZE_TOPIC", TOPIC);
    env.put("PUBSUB_EMULATOR_HOST", pubsubHost);
    env.put("NO_GCE_CHECK", "true");
    env.put("SNOOZE_IAP_AUDIENCE", null);
    env.put("SNOOZE_STATUS_URL", null);
    env.put("JAVA_TOOL_OPTIONS", null);
    int port = ChildProcess.freePort();
    env.put("SNOOZE_PORT", Integer.toString(port));
    ChildProcess frontend = ChildProcess.startOn(port, "frontend",
        ignored -> java(Arrays.asList(flags.trim().split("\\s+")), List.of("-jar", jar.toString())),
        env, host -> HttpProbe.answers(host, "/healthz"), logDir, Duration.ofSeconds(60));
    awaitBackendReady(port);
    return frontend;
  }

  /** The frontend probes the backend every second until it answers: wait for it to say so. */
  private static void awaitBackendReady(int port) {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/snooze/status")).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject body = JsonParser.parseString(status.body()).getAsJsonObject();
        if (body.getAsJsonObject("backend").get("ready").getAsBoolean()) {
          return;
        }
        Thread.sleep(100);
      } catch (IOException | RuntimeException e) {
        // not yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException("the frontend did not see the backend ready within 30 s");
  }

  private static List<String> java(List<String> flags, List<String> rest) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    flags.stream().filter(f -> !f.isBlank()).forEach(command::add);
    command.addAll(rest);
    return command;
  }

  private static int port(ChildProcess process) {
    String host = process.host();
    return Integer.parseInt(host.substring(host.lastIndexOf(':') + 1));
  }

  private record Options(int rounds, int seconds, int threads, int connections, String frontendFlags, int chunks) {
    static Options parse(String[] args) {
      int rounds = 3;
      int seconds = 10;
      int threads = 2;
      int connections = 50;
      int chunks = 60;
      String flags = FRONTEND_FLAGS;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--rounds" -> rounds = Integer.parseInt(args[++i]);
          case "--seconds" -> seconds = Integer.parseInt(args[++i]);
          case "--threads" -> threads = Integer.parseInt(args[++i]);
          case "--connections" -> connections = Integer.parseInt(args[++i]);
          case "--chunks" -> chunks = Integer.parseInt(args[++i]);
          case "--frontend-flags" -> flags = args[++i];
          default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--rounds N, --seconds S, "
              + "--threads T, --connections C, --chunks N, --frontend-flags \"FLAGS\")");
        }
      }
      if (rounds < 1 || seconds < 1 || chunks < 1) {
        throw new IllegalArgumentException("--rounds, --seconds and --chunks must be >= 1");
      }
      return new Options(rounds, seconds, threads, connections, flags, chunks);
    }
  }
}
