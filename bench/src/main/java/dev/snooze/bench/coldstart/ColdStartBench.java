package dev.snooze.bench.coldstart;

import dev.snooze.bench.Machine;
import dev.snooze.bench.Spread;
import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.compute.SimulatorConfig;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.process.JavaCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * P2: the Wake function's cold start (JVM start to the first CloudEvent fully handled: clients
 * created, the Firestore update, the MIG resize received by Compute) beside a hello-world
 * CloudEvent function under the same invoker, alternating, in the same run.
 *
 * <p>Usage: {@code java -cp bench/target/snooze-bench.jar ColdStartBench
 * [--runs N] [--warmup N] [--only NAME[=FLAGS] | --no-default-variants] [--variant NAME=FLAGS]...
 * [--cds] [--baseline-jar JAR]}. Each variant adds its JVM flags to JAVA_TOOL_OPTIONS after the
 * ones Cloud Functions sets; by default {@code gcf-default} (none) and {@code c1} (the recommended
 * {@value #RECOMMENDED_FLAGS}). {@code --cds} adds a variant whose JVMs map an AppCDS archive made
 * by one training run of the same function; {@code --baseline-jar} adds one that runs Wake from
 * another build of the functions jar with the first variant's flags, for a before/after
 * comparison in the same run.
 */
public final class ColdStartBench {
  static final String PROJECT = "snooze-bench";
  static final String REGION = "us-central1";
  static final String WAKE = "dev.snooze.functions.Wake";
  static final String HELLO = HelloEvent.class.getName();
  /**
   * What Google's Java functions buildpack puts in JAVA_TOOL_OPTIONS for a 512 MiB function
   * (its launch.sh: MaxRAM from the memory hint, 70 %), plus the one vCPU Terraform gives each
   * function, so that the JVM picks its collector and thread counts as it would there.
   */
  static final String GCF_FLAGS = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=70 -XX:ActiveProcessorCount=1";
  /** Added to JAVA_TOOL_OPTIONS on the deployed functions (docs/benchmarks.md, P2). */
  static final String RECOMMENDED_FLAGS = "-XX:TieredStopAtLevel=1";
  static final String RESIZE = "compute.regionInstanceGroupManagers.resize";
  /** Wake's log lines whose times show where a cold start goes. */
  static final List<String> MARKS = List.of("configuration loaded", "Firestore client ready",
      "Compute client ready", "waking the GPU MIG");

  private ColdStartBench() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Path repo = Path.of("").toAbsolutePath();
    Path functionsJar = repo.resolve("functions/target/snooze-functions-all.jar");
    Path helloJar = repo.resolve("bench/target/snooze-bench.jar");
    Path logDir = Files.createTempDirectory("snooze-bench-p2-");
    System.out.printf(Locale.ROOT, "P2 cold start: %d measured runs per function and variant (+%d warm-up), "
        + "invoker %s, functions jar %d MiB; logs in %s%n", options.runs, options.warmup,
        JavaCommand.invokerJar().getFileName(), Files.size(functionsJar) >> 20, logDir);
    Map<String, String> emulatorEnv = new HashMap<>(System.getenv());
    emulatorEnv.put(LocalEmulators.LOG_DIR_ENV, logDir.toString());
    try (LocalEmulators emulators = LocalEmulators.start(PROJECT, emulatorEnv);
         // Operations are DONE at once: the figure is the function's, not a simulated wait.
         ComputeSimulator compute = ComputeSimulator.start(
             SimulatorConfig.defaults().withOperationLatency(Duration.ZERO))) {
      Map<String, String> variants = new LinkedHashMap<>(options.variants);
      if (options.cds) {
        variants.put("appcds", null);
      }
      if (options.baselineJar != null) {
        // The other build, with the first variant's flags: only the jar differs.
        variants.put("baseline-jar", variants.values().iterator().next());
      }
      Bench bench = new Bench(helloJar, compute, emulators.firestoreHost(), logDir);
      // The appcds variant's flags per function: one training run each writes its archive at exit.
      Map<String, String> cdsFlags = new HashMap<>();
      if (options.cds) {
        for (String target : List.of(HELLO, WAKE)) {
          Path archive = logDir.resolve(simple(target) + ".jsa");
          bench.once(target, functionsJar, "-XX:ArchiveClassesAtExit=" + archive, "cds-training");
          if (!Files.exists(archive)) {
            throw new IllegalStateException("the training run wrote no archive at " + archive);
          }
          cdsFlags.put(target, "-XX:SharedArchiveFile=" + archive);
        }
      }
      Map<String, List<Double>> results = new LinkedHashMap<>();
      Map<String, List<Double>> cpu = new LinkedHashMap<>();
      for (int round = -options.warmup; round < options.runs; round++) {
        for (Map.Entry<String, String> variant : variants.entrySet()) {
          for (String target : List.of(HELLO, WAKE)) {
            String flags = variant.getValue() != null ? variant.getValue() : cdsFlags.get(target);
            Path jar = variant.getKey().equals("baseline-jar") ? options.baselineJar : functionsJar;
            FunctionRun.Result result = bench.once(target, jar, flags, variant.getKey() + "-" + (round + options.warmup));
            boolean measured = round >= 0;
            System.out.println(line(round, variant.getKey(), target, result, measured));
            if (measured) {
              results.computeIfAbsent(key(target, variant.getKey()), k -> new ArrayList<>()).add(result.millis());
              cpu.computeIfAbsent(key(target, variant.getKey()), k -> new ArrayList<>()).add(result.cpuMillis());
            }
          }
        }
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "Machine: %s%n", Machine.describe());
      for (String variant : variants.keySet()) {
        Spread hello = Spread.of(results.get(key(HELLO, variant)));
        Spread wake = Spread.of(results.get(key(WAKE, variant)));
        double ratio = wake.median() / hello.median();
        boolean met = wake.median() <= 1000 && ratio <= 2.0;
        System.out.printf(Locale.ROOT, "P2 hello-world cold start [%s]: %s%n", variant, hello.describe("%.0f ms"));
        System.out.printf(Locale.ROOT, "P2 Wake cold start [%s]: %s; %.2fx hello-world; goal <= 1000 ms and <= 2x: %s%n",
            variant, wake.describe("%.0f ms"), ratio, met ? "MET" : "MISSED");
        Spread helloCpu = Spread.of(cpu.get(key(HELLO, variant)));
        Spread wakeCpu = Spread.of(cpu.get(key(WAKE, variant)));
        System.out.printf(Locale.ROOT, "P2 CPU time to the 2xx [%s]: hello-world %s; Wake %s; %.2fx%n",
            variant, helloCpu.describe("%.0f ms"), wakeCpu.describe("%.0f ms"), wakeCpu.median() / helloCpu.median());
      }
    }
  }

  private static String line(int round, String variant, String target, FunctionRun.Result result, boolean measured) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-7s %-12s %-6s %6.0f ms  cpu %5.0f ms  status %d",
        measured ? "run " + (round + 1) : "warm-up", variant, target.equals(WAKE) ? "wake" : "hello",
        result.millis(), result.cpuMillis(), result.status()));
    if (result.listeningUptimeMillis() >= 0) {
      line.append(String.format(Locale.ROOT, "  port open at JVM uptime %d ms", result.listeningUptimeMillis()));
    }
    result.logTimes().forEach((mark, at) -> line.append(String.format(Locale.ROOT, "; \"%s\" +%.0f ms", mark, at)));
    return line.toString();
  }

  private static String key(String target, String variant) {
    return target + "|" + variant;
  }

  static String simple(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /** Runs one cold start of either function with fresh state, and checks it did its work. */
  private record Bench(Path helloJar, ComputeSimulator compute, String firestoreHost, Path logDir) {

    FunctionRun.Result once(String target, Path wakeJar, String extraFlags, String label) {
      boolean wake = target.equals(WAKE);
      // A MIG of its own per run: each Wake finds it asleep, with no state document, and resizes.
      String mig = ("bench-" + label).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
      compute.addGroup(GroupRef.regional(PROJECT, REGION, mig, List.of(REGION + "-a", REGION + "-b", REGION + "-c")));
      long resizesBefore = compute.calls().getOrDefault(RESIZE, 0L);
      Map<String, String> env = new HashMap<>();
      env.put("SNOOZE_PROJECT", PROJECT);
      env.put("SNOOZE_REGION", REGION);
      env.put("SNOOZE_ZONE", null);
      env.put("SNOOZE_MIG", mig);
      env.put("SNOOZE_COMPUTE_ENDPOINT", compute.baseUrl());
      env.put("FIRESTORE_EMULATOR_HOST", firestoreHost);
      env.put("NO_GCE_CHECK", "true");
      String flags = extraFlags == null || extraFlags.isBlank() ? GCF_FLAGS : GCF_FLAGS + " " + extraFlags;
      FunctionRun run = new FunctionRun(wake ? wakeJar : helloJar, target, flags, env);
      // A training run writes its archive while exiting: give it time to.
      Duration exitGrace = flags.contains("ArchiveClassesAtExit") ? Duration.ofMinutes(2) : Duration.ZERO;
      FunctionRun.Result result = run.run(event(label), MARKS, logDir, exitGrace);
      if (result.status() / 100 != 2) {
        throw new IllegalStateException(simple(target) + " answered " + result.status() + "; see " + result.log());
      }
      if (wake && compute.calls().getOrDefault(RESIZE, 0L) <= resizesBefore) {
        throw new IllegalStateException("Wake answered " + result.status()
            + " but Compute received no resize; see " + result.log());
      }
      return result;
    }
  }

  /** A Pub/Sub activity message as Eventarc delivers it to Wake (see local's MessagePublishedEvent). */
  static FunctionRun.CloudEventRequest event(String id) {
    String data = Base64.getEncoder().encodeToString(
        "{\"schemaVersion\":1,\"source\":\"bench\",\"kind\":\"request\",\"inFlight\":1}".getBytes(StandardCharsets.UTF_8));
    String publishTime = Instant.now().toString();
    String body = "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"" + id + "\",\"publishTime\":\""
        + publishTime + "\"},\"subscription\":\"projects/" + PROJECT + "/subscriptions/bench\"}";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ce-specversion", "1.0");
    headers.put("ce-type", "google.cloud.pubsub.topic.v1.messagePublished");
    headers.put("ce-source", "//pubsub.googleapis.com/projects/" + PROJECT + "/topics/snooze-activity");
    headers.put("ce-id", id);
    headers.put("ce-time", publishTime);
    headers.put("Content-Type", "application/json");
    return new FunctionRun.CloudEventRequest(headers, body);
  }

  private record Options(int runs, int warmup, Map<String, String> variants, boolean cds, Path baselineJar) {
    static Options parse(String[] args) {
      int runs = 10;
      int warmup = 1;
      boolean cds = false;
      Path baselineJar = null;
      Map<String, String> variants = new LinkedHashMap<>();
      variants.put("gcf-default", "");
      // What docs/benchmarks.md recommends setting in JAVA_TOOL_OPTIONS: C1 only.
      variants.put("c1", RECOMMENDED_FLAGS);
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--runs" -> runs = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--cds" -> cds = true;
          case "--baseline-jar" -> baselineJar = Path.of(args[++i]).toAbsolutePath();
          case "--no-default-variants" -> variants.clear();
          case "--variant" -> {
            String spec = args[++i];
            int eq = spec.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException("--variant wants NAME=JVM_FLAGS, got " + spec);
            }
            variants.put(spec.substring(0, eq), spec.substring(eq + 1));
          }
          case "--only" -> {
            variants.clear();
            String spec = args[++i];
            int eq = spec.indexOf('=');
            variants.put(eq < 0 ? spec : spec.substring(0, eq), eq < 0 ? "" : spec.substring(eq + 1));
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]
              + " (--runs N, --warmup N, --variant NAME=JVM_FLAGS, --only NAME[=FLAGS], --no-default-variants, --cds,"
              + " --baseline-jar JAR)");
        }
      }
      if (runs < 1 || warmup < 0) {
        throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0");
      }
      if (variants.isEmpty()) {
        throw new IllegalArgumentException("no variant to run: add --variant NAME=FLAGS");
      }
      return new Options(runs, warmup, variants, cds, baselineJar);
    }
  }
}
