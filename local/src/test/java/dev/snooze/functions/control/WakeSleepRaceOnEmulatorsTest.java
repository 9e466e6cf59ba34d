package dev.snooze.functions.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.snooze.activity.ActivityMessage;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.compute.ComputeMig;
import dev.snooze.functions.compute.MigLocation;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.FirestoreStateStore;
import dev.snooze.functions.state.Phase;
import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.compute.SimulatorConfig;
import dev.snooze.local.compute.TestClock;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A wake racing a sleep tick on two real threads, with the real Firestore emulator and the
 * Compute simulator: at the instant the MIG becomes idle, a sleep check and a fresh activity run
 * at once. Whatever the interleaving, the activity must win: the MIG ends at its desired size and
 * the state wants the GPU. (A sleep that loses here is a user's request landing on a GPU going
 * away.) The same race over generated schedules, with the fakes:
 * {@code dev.snooze.functions.race.WakeSleepRaceTest}.
 */
@ExtendWith(SharedEmulators.class)
class WakeSleepRaceOnEmulatorsTest {
  private static final String PROJECT = SharedEmulators.PROJECT;
  private static final Policy POLICY = new Policy(Duration.ofMinutes(2), 1, Duration.ofSeconds(10),
      Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2), List.of(new GpuOffer("snooze-gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD)), Duration.ofMinutes(2));
  private static final int ROUNDS = 20;

  private final Random random = new Random(20261128);
  private final TestClock clock = new TestClock(Instant.parse("2026-11-28T10:00:00Z"));
  private ComputeSimulator sim;
  private ComputeMig mig;
  private Firestore firestore;
  private FirestoreStateStore store;
  private Controller controller;

  @BeforeEach
  void start(LocalEmulators emulators) throws Exception {
    sim = ComputeSimulator.start(SimulatorConfig.defaults()
        .withBootTime(Duration.ZERO).withHealthDelay(Duration.ZERO).withStopTime(Duration.ZERO)
        .withOperationLatency(Duration.ofMillis(5)).withStageReports(false));
    sim.addGroup(GroupRef.zonal(PROJECT, "us-central1-a", "snooze-gpu"));
    mig = ComputeMig.create(new MigLocation.Zone(PROJECT, "us-central1-a", "snooze-gpu"), sim.baseUrl(),
        ComputeMig.Options.defaults().withPolling(
            ComputeMig.Options.polling(Duration.ofMillis(5), 1.0, Duration.ofMillis(5), Duration.ofSeconds(10))));
    String host = emulators.firestoreHost();
    firestore = FirestoreOptions.newBuilder().setProjectId(PROJECT).setHost(host).setEmulatorHost(host)
        .setCredentials(NoCredentials.getInstance()).build().getService();
    store = new FirestoreStateStore(firestore, "race-" + UUID.randomUUID(), "snooze-local-test:us-central1-a:snooze-gpu");
    controller = new Controller(POLICY, SleepMode.DELETE, store, Map.of("snooze-gpu", mig), clock, () -> UUID.randomUUID().toString());
  }

  @AfterEach
  void stop() throws Exception {
    mig.close();
    firestore.close();
    sim.close();
  }

  @Test
  void aWakeRacingASleepTickAlwaysWins() throws Exception {
    controller.onActivity(activity("first"));
    controller.tick();
    assertThat(store.read().phase()).isEqualTo(Phase.AWAKE);

    for (int round = 0; round < ROUNDS; round++) {
      clock.advance(POLICY.sleepAfter()); // idle exactly now: the tick wants to sleep
      Activity fresh = activity("round-" + round);
      // The tick reads the MIG before its transaction: spread the activity's start over that
      // time so that every order of the two transactions and their Compute calls occurs.
      long jitterMillis = random.nextInt(40);
      CyclicBarrier together = new CyclicBarrier(2);
      CompletableFuture<?> tick = CompletableFuture.runAsync(() -> {
        await(together);
        controller.tick();
      });
      CompletableFuture<?> wake = CompletableFuture.runAsync(() -> {
        await(together);
        pause(jitterMillis);
        controller.onActivity(fresh);
      });
      CompletableFuture.allOf(tick, wake).get(30, TimeUnit.SECONDS);

      assertThat(store.read().phase().wantsGpu()).as("round %d: state", round).isTrue();
      assertThat(mig.observe().targetSize()).as("round %d: MIG target size", round).isEqualTo(1);
      controller.tick(); // settle to AWAKE before the next round
    }
  }

  private Activity activity(String id) {
    return new Activity(id, clock.instant(), "race-test", ActivityMessage.Kind.REQUEST, null);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
