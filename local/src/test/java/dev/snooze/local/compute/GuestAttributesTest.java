package dev.snooze.local.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.compute.v1.GetGuestAttributesInstanceRequest;
import com.google.cloud.compute.v1.GuestAttributes;
import com.google.cloud.compute.v1.GuestAttributesEntry;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.gson.JsonParser;
import dev.snooze.local.http.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A simulated VM's boot stages as guest attributes, read with the real {@code InstancesClient}
 * as Status reads them, on a hand-driven clock: provisioning 10 s, booting 3 s, driver 5 s,
 * pulling-image 7 s, starting-container 2 s for a fresh VM; a restart provisions in 4 s and
 * spends 1 s on the driver and the image.
 */
class GuestAttributesTest {
  private static final String P = "p";
  private static final String Z = "us-central1-a";
  private static final String MIG = "snooze-gpu";
  private static final Instant T0 = Instant.parse("2026-12-03T11:30:00Z");
  private static final SimStages STAGES = SimStages.parse(SimStages.Preset.COMPRESSED,
      "provisioning=10,booting=3,driver=5,pulling-image=7,starting-container=2,loading-model=4,"
          + "restart.provisioning=4,restart.driver=1,restart.pulling-image=1");

  private final TestClock clock = new TestClock(T0);
  private ComputeSimulator sim;
  private InstanceGroupManagersClient groups;
  private InstancesClient instances;

  @BeforeEach
  void start() throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults().withClock(clock).withStages(STAGES)
        .withOperationLatency(Duration.ZERO).withStopTime(Duration.ofSeconds(3)));
    sim.addGroup(GroupRef.zonal(P, Z, MIG));
    groups = Clients.zonal(sim, true);
    instances = Clients.instances(sim);
  }

  @AfterEach
  void stop() {
    groups.close();
    instances.close();
    sim.close();
  }

  @Test
  void theStagesReachedSoFarAreListedUnderSnoozeEachWithTheTimeItBegan() throws Exception {
    String vm = wakeOne();
    assertNoReports(vm, "snooze/");

    clock.advance(Duration.ofSeconds(10));
    GuestAttributes running = snooze(vm);
    assertThat(running.getKind()).isEqualTo("compute#guestAttributes");
    assertThat(running.getQueryPath()).isEqualTo("snooze/");
    assertThat(running.getSelfLink()).isEqualTo("https://www.googleapis.com/compute/v1/projects/p/zones/"
        + Z + "/instances/" + vm + "/guestAttributes/snooze/");
    assertThat(entries(running)).containsExactly("snooze/booting=2026-12-03T11:30:10.000Z");

    clock.advance(Duration.ofSeconds(15)); // 25 s: the container starts
    assertThat(entries(snooze(vm))).containsExactly(
        "snooze/booting=2026-12-03T11:30:10.000Z",
        "snooze/driver=2026-12-03T11:30:13.000Z",
        "snooze/pulling-image=2026-12-03T11:30:18.000Z",
        "snooze/starting-container=2026-12-03T11:30:25.000Z");
    assertThat(sim.servingInstances(List.of(GroupRef.zonal(P, Z, MIG)))).as("HEALTHY once it started").isEmpty();
    clock.advance(Duration.ofSeconds(2));
    assertThat(sim.servingInstances(List.of(GroupRef.zonal(P, Z, MIG)))).containsExactly(vm);

    GuestAttributes driver = instances.getGuestAttributes(GetGuestAttributesInstanceRequest.newBuilder()
        .setProject(P).setZone(Z).setInstance(vm).setVariableKey("snooze/driver").build());
    assertThat(driver.getVariableKey()).isEqualTo("snooze/driver");
    assertThat(driver.getVariableValue()).isEqualTo("2026-12-03T11:30:13.000Z");
    assertThat(entries(query(vm, "snooze/pulling-image"))).containsExactly("snooze/pulling-image=2026-12-03T11:30:18.000Z");
    assertThat(entries(query(vm, ""))).as("the default namespace: everything").hasSize(4);
    assertNoReports(vm, "other/");
    assertThatThrownBy(() -> instances.getGuestAttributes(GetGuestAttributesInstanceRequest.newBuilder()
        .setProject(P).setZone(Z).setInstance(vm).setVariableKey("snooze/ready").build()))
        .isInstanceOf(NotFoundException.class)
        .rootCause()
        .hasMessageContaining("instances/" + vm + "/guestAttributes/snooze/ready' was not found");
  }

  @Test
  void whatTheVmWritesIsListedAfterTheScriptedStagesAndOnlyARunningVmWrites() throws Exception {
    String vm = wakeOne();
    assertThat(sim.writeGuestAttribute(vm, "snooze", "loading-model", "early")).as("still provisioning").isFalse();
    clock.advance(Duration.ofSeconds(27));

    assertThat(sim.writeGuestAttribute(vm, "snooze", "loading-model", "2026-12-03T11:30:27.100Z")).isTrue();
    RawHttp.Response put = RawHttp.send(sim.port(), "PUT", "/simulator/guest-attributes/" + vm + "/snooze/ready",
        "Metadata-Flavor: Google", "2026-12-03T11:30:31.200Z".getBytes(StandardCharsets.UTF_8));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(sim.writeGuestAttribute(vm, "snooze", "ready", "not a time: Status checks, GCE does not")).isTrue();
    assertThat(sim.writeGuestAttribute(vm, "other", "x", "y")).isTrue();

    assertThat(entries(snooze(vm))).containsExactly(
        "snooze/booting=2026-12-03T11:30:10.000Z",
        "snooze/driver=2026-12-03T11:30:13.000Z",
        "snooze/pulling-image=2026-12-03T11:30:18.000Z",
        "snooze/starting-container=2026-12-03T11:30:25.000Z",
        "snooze/loading-model=2026-12-03T11:30:27.100Z",
        "snooze/ready=not a time: Status checks, GCE does not");
    assertThat(entries(query(vm, "other/"))).containsExactly("other/x=y");
  }

  @Test
  void aStoppedVmKeepsItsAttributesUntilItStartsAgainAndThenReportsAShorterBootAfresh() throws Exception {
    String vm = wakeOne();
    clock.advance(Duration.ofSeconds(30));
    sim.writeGuestAttribute(vm, "snooze", "ready", "2026-12-03T11:30:29.000Z");
    List<String> before = entries(snooze(vm));

    groups.stopInstancesAsync(P, Z, MIG, com.google.cloud.compute.v1.InstanceGroupManagersStopInstancesRequest
        .newBuilder().addInstances(instanceUrl(vm)).build()).get(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofMinutes(10));
    assertThat(only().getInstanceStatus()).isEqualTo("TERMINATED");
    assertThat(entries(snooze(vm))).as("a stopped VM's attributes stay").isEqualTo(before);
    assertThat(sim.writeGuestAttribute(vm, "snooze", "ready", "late")).as("a stopped VM writes nothing").isFalse();

    groups.startInstancesAsync(P, Z, MIG, com.google.cloud.compute.v1.InstanceGroupManagersStartInstancesRequest
        .newBuilder().addInstances(instanceUrl(vm)).build()).get(10, TimeUnit.SECONDS);
    assertNoReports(vm, "snooze/");
    clock.advance(Duration.ofSeconds(4 + 3 + 1 + 1)); // provisioning, booting, driver, pulling-image
    assertThat(entries(snooze(vm))).containsExactly(
        "snooze/booting=2026-12-03T11:40:34.000Z",
        "snooze/driver=2026-12-03T11:40:37.000Z",
        "snooze/pulling-image=2026-12-03T11:40:38.000Z",
        "snooze/starting-container=2026-12-03T11:40:39.000Z");
  }

  @Test
  void aDeletedVmIsGoneAndAnUnknownOneIsTheApisNotFound() throws Exception {
    String vm = wakeOne();
    clock.advance(Duration.ofSeconds(30));
    groups.resizeAsync(P, Z, MIG, 0).get(10, TimeUnit.SECONDS);
    assertThat(entries(snooze(vm))).as("while it is being deleted").hasSize(4);
    clock.advance(Duration.ofSeconds(3));

    for (String[] unknown : new String[][] {{P, Z, vm}, {P, Z, "nope"}, {P, "us-central1-b", vm}, {"other", Z, vm}}) {
      assertThatThrownBy(() -> instances.getGuestAttributes(GetGuestAttributesInstanceRequest.newBuilder()
          .setProject(unknown[0]).setZone(unknown[1]).setInstance(unknown[2]).setQueryPath("snooze/").build()))
          .isInstanceOf(NotFoundException.class)
          .rootCause()
          .hasMessageContaining("The resource 'projects/" + unknown[0] + "/zones/" + unknown[1] + "/instances/"
              + unknown[2] + "' was not found");
    }
    assertThat(sim.writeGuestAttribute(vm, "snooze", "ready", "x")).isFalse();
    RawHttp.Response put = RawHttp.send(sim.port(), "PUT", "/simulator/guest-attributes/" + vm + "/snooze/ready",
        null, "x".getBytes(StandardCharsets.UTF_8));
    assertThat(put.status()).isEqualTo(404);
    assertThat(JsonParser.parseString(put.body()).getAsJsonObject().get("error").getAsString())
        .isEqualTo("no RUNNING instance '" + vm + "': only a running VM writes guest attributes");
  }

  @Test
  void aReportForAVmThatIsNotRunningChangesNothing() throws Exception {
    String vm = wakeOne();
    clock.advance(Duration.ofSeconds(9)); // STAGING
    RawHttp.Response put = RawHttp.send(sim.port(), "PUT", "/simulator/guest-attributes/" + vm + "/snooze/ready",
        null, "2026-12-03T11:30:09.000Z".getBytes(StandardCharsets.UTF_8));
    assertThat(put.status()).isEqualTo(404);
    clock.advance(Duration.ofSeconds(1));
    assertThat(entries(snooze(vm))).containsExactly("snooze/booting=2026-12-03T11:30:10.000Z");
  }

  private String wakeOne() throws Exception {
    groups.resizeAsync(P, Z, MIG, 1).get(10, TimeUnit.SECONDS);
    return only().getName();
  }

  private ManagedInstance only() {
    List<ManagedInstance> all = StreamSupport.stream(
        groups.listManagedInstances(P, Z, MIG).iterateAll().spliterator(), false).toList();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private static String instanceUrl(String vm) {
    return "zones/" + Z + "/instances/" + vm;
  }

  private GuestAttributes snooze(String vm) {
    return query(vm, "snooze/");
  }

  private GuestAttributes query(String vm, String path) {
    return instances.getGuestAttributes(GetGuestAttributesInstanceRequest.newBuilder()
        .setProject(P).setZone(Z).setInstance(vm).setQueryPath(path).build());
  }

  private void assertNoReports(String vm, String path) {
    assertThatThrownBy(() -> query(vm, path))
        .as("a known VM without reports: Status reads this as none yet")
        .isInstanceOf(NotFoundException.class)
        .rootCause()
        .hasMessageContaining("The resource 'projects/p/zones/" + Z + "/instances/" + vm + "/guestAttributes/"
            + path + "' was not found");
  }

  private static List<String> entries(GuestAttributes attributes) {
    return attributes.getQueryValue().getItemsList().stream()
        .map((GuestAttributesEntry e) -> e.getNamespace() + "/" + e.getKey() + "=" + e.getValue()).toList();
  }
}
