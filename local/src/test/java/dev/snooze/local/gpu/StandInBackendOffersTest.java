package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import dev.snooze.local.compute.Clients;
import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.compute.Scheduling;
import dev.snooze.local.compute.SimulatorConfig;
import dev.snooze.local.compute.TestClock;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in backend behind two offers' groups, a SPOT one and a STANDARD one, following the
 * Compute simulator (real client, hand-driven clock, demo timings): a user streaming from the
 * Spot VM when it is preempted loses that stream, though the standard VM is up, and the next
 * request is served by the standard VM.
 */
class StandInBackendOffersTest {
  /** Slow tokens: the answer outlasts the preemption by far, so the stream is cut, never finished. */
  private static final Duration TOKEN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final String P = "p";
  private static final String Z = "us-central1-a";

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final GroupRef spot = GroupRef.zonal(P, Z, "gpu-spot");
  private final GroupRef standard = GroupRef.zonal(P, Z, "gpu");
  private final HttpClient http = HttpClient.newHttpClient();
  private ComputeSimulator sim;
  private InstanceGroupManagersClient client;
  private StandInBackend backend;

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withClock(clock).withOperationLatency(Duration.ZERO));
    sim.addGroup(spot, Scheduling.spot(Scheduling.TerminationAction.STOP));
    sim.addGroup(standard);
    client = Clients.zonal(sim, true);
    backend = StandInBackend.start(0, () -> sim.servingInstances(List.of(spot, standard)), TOKEN_INTERVAL);
  }

  @AfterEach
  void stop() {
    backend.close();
    client.close();
    sim.close();
  }

  @Test
  void aPreemptedSpotVmCutsItsStreamWhileTheStandardVmServesTheNextRequest() throws Exception {
    String spotVm = wake(spot);
    String standardVm = wake(standard);
    await().atMost(AWAIT).until(() -> backend.servingVms().equals(List.of(spotVm, standardVm)));
    assertThat(backend.servingFrom()).as("new requests go to the longest serving VM").isEqualTo(spotVm);

    HttpResponse<InputStream> streaming = http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/generate"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"a long answer\"}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(streaming.statusCode()).isEqualTo(200);
    List<String> received = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(streaming.body(), StandardCharsets.UTF_8))) {
      received.add(reader.readLine());
      assertThat(sim.faults().preempt(spot.name())).containsExactly(spotVm);
      try {
        for (String line; (line = reader.readLine()) != null; ) {
          received.add(line);
        }
      } catch (IOException cut) {
        // A reset connection is how the user sees the VM go.
      }
    }
    assertThat(received).noneMatch(line -> line.contains("\"done\":true"));

    await().atMost(AWAIT).until(() -> standardVm.equals(backend.servingFrom()));
    assertThat(backend.servingVms()).containsExactly(standardVm);
    HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.body()).isEqualTo("Ollama is running");

    // The Spot VM, restarted by its group, serves again beside it; new requests stay where they go.
    clock.advance(Duration.ofSeconds(13));
    await().atMost(AWAIT).until(() -> backend.servingVms().equals(List.of(standardVm, spotVm)));
    assertThat(backend.servingFrom()).isEqualTo(standardVm);
  }

  /** Resizes the group to 1, lets its VM boot and turn healthy, and returns its name. */
  private String wake(GroupRef group) throws Exception {
    client.resizeAsync(P, Z, group.name(), 1).get(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(22));
    List<String> serving = sim.servingInstances(List.of(group));
    assertThat(serving).hasSize(1);
    return serving.get(0);
  }
}
