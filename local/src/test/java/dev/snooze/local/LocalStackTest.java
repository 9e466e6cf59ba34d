package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import dev.snooze.local.compute.Clients;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole local cloud as the README's run command starts it, driven with real clients. */
@ExtendWith(SharedEmulators.class)
class LocalStackTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void readyLineNamesEveryPart(LocalEmulators emulators) throws Exception {
    stack = LocalStack.start(env(emulators, Map.of("SNOOZE_ZONE", "europe-west4-b")));

    assertThat(stack.endpoints())
        .containsEntry("pubsub", emulators.pubsubHost())
        .containsEntry("firestore", emulators.firestoreHost())
        .containsEntry("project", SharedEmulators.PROJECT)
        .containsEntry("zone", "europe-west4-b")
        .containsEntry("mig", "snooze-gpu-spot")
        .containsEntry("offers", List.of("snooze-gpu-spot@europe-west4-b:SPOT", "snooze-gpu@europe-west4-b:STANDARD"))
        .containsEntry("topic", "snooze-activity")
        .containsKeys("compute", "backend", "functions")
        .doesNotContainKey("region");
    // One simulated group per offer, the Spot one preemptible, the standard one not.
    assertThat(stack.groups()).extracting(GroupRef::name).containsExactly("snooze-gpu-spot", "snooze-gpu");
    assertThat(stack.compute().faults().preempt("snooze-gpu-spot")).as("nothing to preempt yet").isEmpty();
    assertThatThrownBy(() -> stack.compute().faults().preempt("snooze-gpu"))
        .hasMessageContaining("is STANDARD");
    assertThat(stack.functions().urls()).containsOnlyKeys("wake", "sleep", "status");
    // The scheduler's function takes POST only; Status answers GET only.
    HttpResponse<String> getSleep = http.send(
        HttpRequest.newBuilder(URI.create(stack.functions().urls().get("sleep"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(getSleep.statusCode()).isEqualTo(405);
    assertThat(getSleep.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> postStatus = http.send(
        HttpRequest.newBuilder(URI.create(stack.functions().urls().get("status")))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(postStatus.statusCode()).isEqualTo(405);
    assertThat(postStatus.body()).contains("use GET");
    // The topic exists on the emulator: publishing to it through REST succeeds.
    HttpResponse<String> published = http.send(
        HttpRequest.newBuilder(URI.create("http://" + emulators.pubsubHost() + "/v1/projects/"
                + SharedEmulators.PROJECT + "/topics/snooze-activity:publish"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"data\":\"e30=\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(published.statusCode()).isEqualTo(200);
  }

  @Test
  void aResizeThroughTheComputeClientWakesTheBackendAndAResizeToZeroPutsItToSleep(
      LocalEmulators emulators) throws Exception {
    stack = LocalStack.start(env(emulators, Map.of("SNOOZE_SIM_BOOT_TIME", "0.3")));
    String backend = (String) stack.endpoints().get("backend");
    assertNoHealthyUpstream(generate(backend));

    try (RegionInstanceGroupManagersClient migs = Clients.regional(stack.compute())) {
      migs.resizeAsync(SharedEmulators.PROJECT, "us-central1", "snooze-gpu", 1).get();

      await().atMost(Duration.ofSeconds(30)).until(() -> running(migs).size() == 1);
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> generate(backend).statusCode() == 200);
      HttpResponse<String> answer = generate(backend);
      assertThat(answer.body().lines().toList())
          .hasSizeGreaterThan(2)
          .last().asString().contains("\"done\":true");

      migs.resizeAsync(SharedEmulators.PROJECT, "us-central1", "snooze-gpu", 0).get();
      await().atMost(Duration.ofSeconds(30)).until(() -> generate(backend).statusCode() == 503);
      assertNoHealthyUpstream(generate(backend));
    }
  }

  /** What the internal load balancer answers while no GPU VM is healthy. */
  private static void assertNoHealthyUpstream(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("no healthy upstream");
  }

  private static List<ManagedInstance> running(RegionInstanceGroupManagersClient migs) {
    return StreamSupport.stream(migs.listManagedInstances(
                SharedEmulators.PROJECT, "us-central1", "snooze-gpu").iterateAll().spliterator(), false)
        .filter(i -> i.getInstanceStatus().equals("RUNNING"))
        .toList();
  }

  private HttpResponse<String> generate(String backend) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(backend + "/api/generate"))
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"snooze-demo\",\"prompt\":\"hello\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> env(LocalEmulators emulators, Map<String, String> extra) {
    Map<String, String> env = TestStacks.env(emulators, extra);
    // The topic the README names: this test checks it exists.
    env.remove("SNOOZE_TOPIC");
    return env;
  }

}
