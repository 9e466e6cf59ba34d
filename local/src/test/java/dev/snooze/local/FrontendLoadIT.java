package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.frontend.LocalFrontend;
import dev.snooze.local.gpu.StandInBackend;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The frontend at saturation: its own JVM with its production flags and environment
 * ({@link LocalFrontend#JVM_FLAGS}, {@link LocalFrontend#ENVIRONMENT}), proxying to the stand-in
 * GPU backend while it is awake, driven by a closed loop of {@value #CONNECTIONS} connections for
 * {@code snooze.load.seconds} (40 s unless set) with a mix of small JSON answers, streamed NDJSON
 * generations and 16 KiB prompts. Every answer must be a 200 carrying exactly the bytes the backend
 * sends (streamed ones: the same tokens, every line, the final one done), and the frontend's
 * resident memory, read from /proc, must stay under {@value #RSS_BOUND_MIB} MiB, its share of an
 * e2-micro (the frontend VM's default machine type), and not grow from the first 20 s after warm-up
 * to the last 20 s. Figures, the CPU time per request among them, go to target/frontend-load.txt
 * and the test output.
 *
 * <p>A failsafe IT, so that {@code mvn verify} (CI) runs it and {@code mvn test} does not; alone:
 * {@code mvn -pl local -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=FrontendLoadIT -Dsnooze.load.seconds=20}.
 */
@ExtendWith(SharedEmulators.class)
class FrontendLoadIT {
  private static final int CONNECTIONS = 64;
  /**
   * The frontend's share of an e2-micro (1024 MiB): Container-Optimized OS keeps ~400 MiB (the
   * kernel, systemd, journald, dockerd and containerd, ~250 MiB; the logging agent that
   * google-logging-enabled starts, up to ~150 MiB: 151 MiB idle in
   * GoogleCloudPlatform/fluent-plugin-google-cloud#374), and at least a third of the machine
   * stays page cache and slack (the image's jars, docker's json-file log that the request log
   * fills, whatever a JDK patch adds): 1024 - 400 - 368 = 256 MiB. Estimates, not a measurement
   * on an e2-micro (docs/benchmarks.md, P3).
   */
  private static final long E2_MICRO_MIB = 1024;
  private static final long COS_MIB = 400;
  private static final long PAGE_CACHE_AND_SLACK_MIB = 368;
  private static final long RSS_BOUND_MIB = E2_MICRO_MIB - COS_MIB - PAGE_CACHE_AND_SLACK_MIB;
  /** Growth allowed between the two windows: allocator and code-cache noise, not a leak. */
  private static final long RSS_GROWTH_MIB = 16;
  private static final Duration WARM_UP = Duration.ofSeconds(10);
  private static final Duration WINDOW = Duration.ofSeconds(20);
  private static final String MODEL = "snooze-demo";
  private static final String PROMPT = "Is the GPU awake?";
  private static final String LONG_PROMPT = "x".repeat(16 * 1024);

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void atSaturationEveryAnswerIsCompleteAndMemoryStaysBounded(LocalEmulators emulators) throws Exception {
    Duration duration = Duration.ofSeconds(Long.getLong("snooze.load.seconds", 40));
    assertThat(duration).as("the run needs warm-up and two windows").isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    // Runs shorter than a minute shrink the windows in proportion: CI's 40 s compares two windows
    // of 17 s after a 7 s warm-up (the suite's 15 minutes do not leave a full minute).
    Duration warmUp = min(WARM_UP, duration.dividedBy(6));
    Duration window = min(WINDOW, duration.minus(warmUp).dividedBy(2));

    // The GPU is awake throughout; its tokens come 2 ms apart, so streams really stream.
    StandInBackend backend = closed(StandInBackend.start(0, () -> List.of("gpu-vm"), Duration.ofMillis(2)));
    String topic = "load-" + UUID.randomUUID();
    new PubsubEmulatorAdmin(emulators.pubsubHost(), SharedEmulators.PROJECT).createTopic(topic);
    Map<String, String> env = new HashMap<>();
    env.put("SNOOZE_BACKEND_URL", backend.baseUrl());
    env.put("SNOOZE_PROJECT", SharedEmulators.PROJECT);
    env.put("SNOOZE_TOPIC", topic);
    env.put("PUBSUB_EMULATOR_HOST", emulators.pubsubHost());
    env.put("SNOOZE_IAP_AUDIENCE", null);
    env.put("SNOOZE_STATUS_URL", null);
    env.put("NO_GCE_CHECK", "true");
    Path logDir = Files.createDirectories(Path.of("target", "load-logs"));
    LocalFrontend frontend = closed(LocalFrontend.start(0, env, logDir, Duration.ofSeconds(60)));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    await().atMost(Duration.ofSeconds(30)).until(() -> backendReady(http, frontend.url()));

    List<Call> calls = calls(frontend.url(), backend.baseUrl(), http);
    AtomicLong answered = new AtomicLong();
    MemoryWatch memory = closed(MemoryWatch.start(frontend.process(), answered));
    Load load = Load.run(http, calls, CONNECTIONS, duration, answered);
    List<MemoryWatch.Sample> samples = memory.stop();
    // What the mix costs the frontend per request once warm (the last window: the JIT's work is
    // done), against an e2-micro's sustained 0.25 vCPU.
    double cpuMicros = MemoryWatch.cpuMicrosPerRequest(samples, duration.minus(window), duration);

    long firstPeak = MemoryWatch.peak(samples, warmUp, warmUp.plus(window));
    long lastPeak = MemoryWatch.peak(samples, duration.minus(window), duration);
    long overallPeak = MemoryWatch.peak(samples, Duration.ZERO, duration.plusSeconds(1));
    String report = String.format(Locale.ROOT,
        "frontend load: %d connections for %d s, flags %s, environment %s%n"
            + "  requests %d (%d streamed), errors %d, %.0f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n"
            + "  frontend CPU %.1f us per request in the last %d s (%.0f req/s at an e2-micro's sustained 0.25 vCPU)%n"
            + "  RSS peak %d MiB (bound %d), first %d s after %d s warm-up %d MiB, last %d s %d MiB%n",
        CONNECTIONS, duration.toSeconds(), String.join(" ", LocalFrontend.JVM_FLAGS), LocalFrontend.ENVIRONMENT,
        load.requests(), load.streamed(), load.errors(), load.requests() / (double) duration.toSeconds(),
        load.percentileMillis(50), load.percentileMillis(99), load.percentileMillis(100),
        cpuMicros, window.toSeconds(), 0.25e6 / cpuMicros,
        overallPeak >> 20, RSS_BOUND_MIB, window.toSeconds(), warmUp.toSeconds(), firstPeak >> 20,
        window.toSeconds(), lastPeak >> 20);
    System.out.print(report);
    Files.writeString(Path.of("target", "frontend-load.txt"), report);

    assertThat(load.failures()).as("the first failures of %d", load.errors()).isEmpty();
    assertThat(load.errors()).isZero();
    assertThat(load.streamed()).as("streamed generations among the requests").isPositive();
    assertThat(samples).as("RSS samples, one a second").hasSizeGreaterThanOrEqualTo((int) duration.toSeconds() - 2);
    assertThat(overallPeak >> 20).as("frontend RSS peak, MiB").isLessThan(RSS_BOUND_MIB);
    assertThat(lastPeak >> 20).as("RSS of the last %d s against the first %d s after warm-up, MiB",
            window.toSeconds(), window.toSeconds())
        .isLessThanOrEqualTo((firstPeak >> 20) + RSS_GROWTH_MIB);
  }

  private <T extends AutoCloseable> T closed(T resource) {
    closing.add(resource);
    return resource;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static boolean backendReady(HttpClient http, String frontend) throws Exception {
    HttpResponse<String> status = http.send(
        HttpRequest.newBuilder(URI.create(frontend + "/snooze/status")).build(), HttpResponse.BodyHandlers.ofString());
    return status.statusCode() == 200
        && JsonParser.parseString(status.body()).getAsJsonObject().getAsJsonObject("backend").get("ready").getAsBoolean();
  }

  /**
   * The request mix, each with what its answer must be, taken from the backend directly: the
   * proxy must pass those bytes through unchanged. Streamed generations carry timestamps and
   * durations, so their tokens and line structure are compared instead.
   */
  private static List<Call> calls(String frontend, String backend, HttpClient http) throws Exception {
    HttpRequest tags = HttpRequest.newBuilder(URI.create(backend + "/api/tags")).build();
    HttpRequest version = HttpRequest.newBuilder(URI.create(backend + "/api/version")).build();
    byte[] tagsBody = http.send(tags, HttpResponse.BodyHandlers.ofByteArray()).body();
    byte[] versionBody = http.send(version, HttpResponse.BodyHandlers.ofByteArray()).body();
    String streamedText = generatedText(http.send(generate(backend, PROMPT, true), HttpResponse.BodyHandlers.ofString()).body());
    String longAnswer = JsonParser.parseString(
        http.send(generate(backend, LONG_PROMPT, false), HttpResponse.BodyHandlers.ofString()).body())
        .getAsJsonObject().get("response").getAsString();
    assertThat(streamedText).contains(PROMPT);

    Call tagsCall = new Call("GET /api/tags", false,
        HttpRequest.newBuilder(URI.create(frontend + "/api/tags")).build(),
        body -> Arrays.equals(body, tagsBody) ? null : "body differs from the backend's " + tagsBody.length + " bytes");
    Call versionCall = new Call("GET /api/version", false,
        HttpRequest.newBuilder(URI.create(frontend + "/api/version")).build(),
        body -> Arrays.equals(body, versionBody) ? null : "body differs from the backend's");
    Call streamCall = new Call("POST /api/generate (stream)", true, generate(frontend, PROMPT, true), body -> {
      String text = generatedText(new String(body, StandardCharsets.UTF_8));
      return text.equals(streamedText) ? null : "streamed text differs: " + text;
    });
    Call longCall = new Call("POST /api/generate (16 KiB prompt)", false, generate(frontend, LONG_PROMPT, false), body -> {
      JsonObject answer = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
      return answer.get("response").getAsString().equals(longAnswer) && answer.get("done").getAsBoolean()
          ? null : "answer differs: " + answer;
    });
    // Mostly small answers, as a page's polling and listing make; a streamed generation in five.
    return List.of(tagsCall, versionCall, streamCall, tagsCall, longCall, versionCall, tagsCall, streamCall,
        versionCall, tagsCall);
  }

  private static HttpRequest generate(String base, String prompt, boolean stream) {
    String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + prompt + "\",\"stream\":" + stream + "}";
    return HttpRequest.newBuilder(URI.create(base + "/api/generate"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /**
   * The text of an NDJSON generation; throws unless every line is a chunk and the last one,
   * only, is done.
   */
  private static String generatedText(String ndjson) {
    List<String> lines = ndjson.lines().toList();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = JsonParser.parseString(lines.get(i)).getAsJsonObject();
      boolean last = i == lines.size() - 1;
      if (line.get("done").getAsBoolean() != last) {
        throw new IllegalStateException("line " + (i + 1) + " of " + lines.size() + " has done=" + line.get("done"));
      }
      text.append(line.get("response").getAsString());
    }
    return text.toString();
  }

  /** One kind of request and the check of its answer's body: null when right, else what is wrong. */
  private record Call(String name, boolean streamed, HttpRequest request, BodyCheck check) {}

  private interface BodyCheck {
    String problem(byte[] body);
  }

  /**
   * The closed loop: each connection sends its next request as soon as the previous answer has
   * been read and checked, so the frontend is never idle and never queued beyond the connections.
   */
  private record Load(long requests, long streamed, long errors, List<String> failures, long[] latencies) {
    /** @param requests counts every request answered, as it is */
    static Load run(HttpClient http, List<Call> calls, int connections, Duration duration, AtomicLong requests)
        throws Exception {
      AtomicLong streamed = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<long[]> latencies = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch done = new CountDownLatch(connections);
      long end = System.nanoTime() + duration.toNanos();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int offset = c;
        Thread thread = new Thread(() -> {
          long[] mine = new long[1 << 16];
          int n = 0;
          try {
            for (int i = offset; System.nanoTime() < end; i++) {
              Call call = calls.get(i % calls.size());
              long start = System.nanoTime();
              String problem;
              try {
                HttpResponse<byte[]> response = http.send(call.request(), HttpResponse.BodyHandlers.ofByteArray());
                problem = response.statusCode() != 200
                    ? "status " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8)
                    : call.check().problem(response.body());
              } catch (IOException | RuntimeException e) {
                problem = e.toString();
              }
              if (n == mine.length) {
                mine = Arrays.copyOf(mine, n * 2);
              }
              mine[n++] = System.nanoTime() - start;
              requests.incrementAndGet();
              if (call.streamed()) {
                streamed.incrementAndGet();
              }
              if (problem != null) {
                errors.incrementAndGet();
                if (failures.size() < 5) {
                  failures.add(call.name() + ": " + problem);
                }
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            latencies.add(Arrays.copyOf(mine, n));
            done.countDown();
          }
        }, "load-" + c);
        thread.setDaemon(true);
        threads.add(thread);
      }
      threads.forEach(Thread::start);
      // Bounded: one slow answer may finish after the end, but no request starts after it.
      if (!done.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
        threads.forEach(Thread::interrupt);
        throw new AssertionError("the load did not stop within a minute of its end");
      }
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return new Load(requests.get(), streamed.get(), errors.get(), List.copyOf(failures), all);
    }

    double percentileMillis(int percentile) {
      if (latencies.length == 0) {
        return 0;
      }
      int index = (int) Math.min(latencies.length - 1, Math.ceil(percentile / 100.0 * latencies.length) - 1);
      return latencies[Math.max(0, index)] / 1e6;
    }
  }

  /** The frontend's resident set size, read from /proc once a second. */
  private static final class MemoryWatch implements AutoCloseable {
    record Sample(Duration at, long rssBytes, Duration cpu, long requests) {}

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final long start = System.nanoTime();
    private final ProcessHandle process;
    private final AtomicLong requests;

    private MemoryWatch(ProcessHandle process, AtomicLong requests) {
      this.process = process;
      this.requests = requests;
    }

    /** Samples the process's RSS and CPU time, and {@code requests} so far, once a second. */
    static MemoryWatch start(ProcessHandle process, AtomicLong requests) {
      MemoryWatch watch = new MemoryWatch(process, requests);
      Path status = Path.of("/proc", Long.toString(process.pid()), "status");
      watch.timer.scheduleAtFixedRate(() -> watch.sample(status), 0, 1, TimeUnit.SECONDS);
      return watch;
    }

    private void sample(Path status) {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmRSS:")) {
            long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
            samples.add(new Sample(Duration.ofNanos(System.nanoTime() - start), kib * 1024,
                process.info().totalCpuDuration().orElse(Duration.ZERO), requests.get()));
          }
        }
      } catch (IOException e) {
        // The process is gone: the load's errors tell why.
      }
    }

    List<Sample> stop() {
      timer.shutdownNow();
      return List.copyOf(samples);
    }

    static long peak(List<Sample> samples, Duration from, Duration to) {
      return samples.stream()
          .filter(s -> s.at().compareTo(from) >= 0 && s.at().compareTo(to) <= 0)
          .mapToLong(Sample::rssBytes).max().orElseThrow();
    }

    /** CPU time per request between the first and the last sample within [from, to]. */
    static double cpuMicrosPerRequest(List<Sample> samples, Duration from, Duration to) {
      List<Sample> within = samples.stream()
          .filter(s -> s.at().compareTo(from) >= 0 && s.at().compareTo(to) <= 0).toList();
      Sample first = within.get(0);
      Sample last = within.get(within.size() - 1);
      return last.cpu().minus(first.cpu()).toNanos() / 1e3 / Math.max(1, last.requests() - first.requests());
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }
}
