package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two VMs behind the load balancer, as a MIG scaled to two: new prompts go to the VM with the
 * fewest in flight; a VM that drains finishes the streams on it while new prompts go to the
 * other, and once it is gone nothing reaches it.
 */
class StandInBackendDrainingTest {
  private static final Duration TOKEN_INTERVAL = Duration.ofMillis(40);
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final String OLDER = "snooze-gpu-aaaa";
  private static final String NEWER = "snooze-gpu-bbbb";

  private final AtomicReference<Upstreams> upstreams = new AtomicReference<>(Upstreams.NONE);
  private final HttpClient http = HttpClient.newHttpClient();
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private StandInBackend backend;

  @BeforeEach
  void start() {
    backend = StandInBackend.start(0, upstreams::get, TOKEN_INTERVAL, ModelSettings.instant(),
        Concurrency.OLLAMA_DEFAULTS, null);
    // The older VM serves first, so it is the longest serving one: ties go to it.
    upstreams.set(Upstreams.serving(List.of(OLDER)));
    await().atMost(AWAIT).until(() -> backend.servingVms().equals(List.of(OLDER)));
    upstreams.set(Upstreams.serving(List.of(OLDER, NEWER)));
    await().atMost(AWAIT).until(() -> backend.servingVms().equals(List.of(OLDER, NEWER)));
  }

  @AfterEach
  void stop() {
    clients.shutdownNow();
    backend.close();
  }

  @Test
  void concurrentPromptsAreSpreadOverTheVms() throws Exception {
    List<CompletableFuture<StreamedAnswer>> answers = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      String prompt = "prompt " + i;
      answers.add(CompletableFuture.supplyAsync(() -> StreamedAnswer.generate(http, backend.baseUrl(), prompt), clients));
    }
    for (CompletableFuture<StreamedAnswer> answer : answers) {
      assertThat(answer.get(AWAIT.toSeconds(), TimeUnit.SECONDS).complete()).isTrue();
    }

    await().atMost(AWAIT).until(() -> answered(OLDER) + answered(NEWER) == 4);
    assertThat(answered(OLDER)).as("the older VM answered some").isPositive();
    assertThat(answered(NEWER)).as("the newer VM answered some").isPositive();
    assertThat(backend.vmStats()).allSatisfy(vm -> assertThat(vm.busy()).isZero());
  }

  @Test
  void aDrainingVmFinishesItsStreamWhileNewPromptsGoToTheOtherAndNothingReachesItOnceGone() throws Exception {
    try (OpenStream onOlder = open("a long answer"); OpenStream onNewer = open("another one")) {
      assertThat(stats(OLDER).inFlight()).as("idle, the longest serving VM takes the first").isEqualTo(1);
      assertThat(stats(NEWER).inFlight()).as("then the one with fewer in flight").isEqualTo(1);

      upstreams.set(new Upstreams(List.of(NEWER), List.of(OLDER)));
      await().atMost(AWAIT).until(() -> stats(OLDER).draining());
      assertThat(backend.servingVms()).containsExactly(NEWER);
      // One in flight on each: without draining, the tie would go to the older VM.
      assertThat(StreamedAnswer.generate(http, backend.baseUrl(), "while it drains").complete()).isTrue();

      assertThat(onOlder.rest().complete()).as("the stream on the draining VM ran to its done line").isTrue();
      assertThat(onNewer.rest().complete()).isTrue();
    }
    await().atMost(AWAIT).until(() -> answered(OLDER) + answered(NEWER) == 3);
    assertThat(answered(OLDER)).as("the draining VM answered its own stream, nothing new").isEqualTo(1);

    upstreams.set(Upstreams.serving(List.of(NEWER)));
    await().atMost(AWAIT).until(() -> stats(OLDER).state() == VmStats.State.GONE);
    assertThat(stats(OLDER).cut()).as("its stream had ended: nothing to cut").isZero();
    assertThat(StreamedAnswer.generate(http, backend.baseUrl(), "after it went").complete()).isTrue();
    await().atMost(AWAIT).until(() -> answered(NEWER) == 3);
    assertThat(answered(OLDER)).as("nothing but its own stream reached the VM that drained").isEqualTo(1);
  }

  /** Sends a streamed prompt and reads its first token line, so that it is in flight on a VM. */
  private OpenStream open(String prompt) throws Exception {
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/generate"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"" + prompt + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    return new OpenStream(reader, reader.readLine());
  }

  /** A streamed prompt in flight: its first line read, the rest to come. */
  private record OpenStream(BufferedReader reader, String firstLine) implements AutoCloseable {
    StreamedAnswer rest() throws IOException {
      List<String> lines = new ArrayList<>();
      lines.add(firstLine);
      for (String line; (line = reader.readLine()) != null; ) {
        lines.add(line);
      }
      return new StreamedAnswer(200, lines, String.join("\n", lines), 0, 0);
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  private VmStats stats(String vm) {
    return backend.vmStats().stream().filter(s -> s.name().equals(vm)).reduce((a, b) -> b).orElseThrow();
  }

  private long answered(String vm) {
    return stats(vm).answered();
  }
}
