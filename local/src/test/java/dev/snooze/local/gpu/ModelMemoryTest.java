package dev.snooze.local.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.snooze.local.compute.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One VM's model memory, as Ollama keeps it: loaded on demand, unloaded after its keep-alive. */
class ModelMemoryTest {
  private static final Instant START = Instant.parse("2026-12-03T11:30:00Z");
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private final TestClock clock = new TestClock(START);

  private ModelMemory memory(Duration keepAlive, HeldLoads loads) {
    return new ModelMemory("vm-1", new ModelSettings("snooze-demo:latest", Duration.ofSeconds(3), keepAlive),
        clock, loads);
  }

  @Test
  void theFirstRequestLoadsTheModelAndLaterOnesFindItLoaded() throws Exception {
    HeldLoads loads = HeldLoads.instant();
    ModelMemory memory = memory(Duration.ofMinutes(5), loads);
    assertThat(memory.loaded()).isEmpty();

    memory.use(null).close();
    assertThat(loads.started()).isEqualTo(1);
    assertThat(memory.loaded()).contains(
        new ModelMemory.Loaded("snooze-demo:latest", START.plus(Duration.ofMinutes(5))));

    clock.advance(Duration.ofMinutes(4));
    try (ModelMemory.Lease lease = memory.use(null)) {
      assertThat(lease.loadNanos()).isZero();
    }
    assertThat(loads.started()).isEqualTo(1);
  }

  @Test
  void theKeepAliveCountsFromTheLastRequestsEndThenTheNextRequestWaitsForALoadAgain() throws Exception {
    HeldLoads loads = HeldLoads.instant();
    ModelMemory memory = memory(Duration.ofMinutes(5), loads);
    ModelMemory.Lease longAnswer = memory.use(null);
    // In use, the model never expires, however long the answer takes.
    clock.advance(Duration.ofMinutes(20));
    assertThat(memory.loaded()).isPresent();
    longAnswer.close();

    clock.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(memory.loaded()).map(ModelMemory.Loaded::expiresAt).contains(START.plus(Duration.ofMinutes(25)));
    clock.advance(Duration.ofMillis(1));
    assertThat(memory.loaded()).isEmpty();

    memory.use(null).close();
    assertThat(loads.started()).isEqualTo(2);
    assertThat(memory.loads()).isEqualTo(2);
  }

  @Test
  void aNegativeKeepAliveNeverUnloads() throws Exception {
    HeldLoads loads = HeldLoads.instant();
    ModelMemory memory = memory(ModelSettings.NEVER_UNLOAD, loads);
    memory.use(null).close();
    clock.advance(Duration.ofDays(400));
    assertThat(memory.loaded()).get().extracting(ModelMemory.Loaded::expiresAt).isNull();
    memory.use(null).close();
    assertThat(loads.started()).isEqualTo(1);
  }

  @Test
  void aZeroKeepAliveUnloadsRightAfterEachRequest() throws Exception {
    HeldLoads loads = HeldLoads.instant();
    ModelMemory memory = memory(Duration.ZERO, loads);
    memory.use(null).close();
    assertThat(memory.loaded()).isEmpty();
    memory.use(null).close();
    assertThat(loads.started()).isEqualTo(2);
  }

  @Test
  void aRequestsOwnKeepAliveReplacesTheDefaultForTheExpiryAfterIt() throws Exception {
    HeldLoads loads = HeldLoads.instant();
    ModelMemory memory = memory(ModelSettings.NEVER_UNLOAD, loads);
    memory.use(Duration.ofSeconds(30)).close();
    clock.advance(Duration.ofSeconds(30));
    assertThat(memory.loaded()).isEmpty();

    // The next request without one goes back to the default.
    memory.use(null).close();
    clock.advance(Duration.ofDays(1));
    assertThat(memory.loaded()).isPresent();

    memory.use(ModelSettings.NEVER_UNLOAD).close();
    assertThat(memory.loaded()).get().extracting(ModelMemory.Loaded::expiresAt).isNull();
  }

  @Test
  void concurrentRequestsShareOneLoadAndAllWaitForIt() throws Exception {
    HeldLoads loads = HeldLoads.held();
    ModelMemory memory = memory(ModelSettings.NEVER_UNLOAD, loads);
    CompletableFuture<ModelMemory.Lease> first = new CompletableFuture<>();
    CompletableFuture<ModelMemory.Lease> second = new CompletableFuture<>();
    Thread loader = requestOn(memory, first);
    await().atMost(AWAIT).until(() -> loads.started() == 1);
    Thread waiter = requestOn(memory, second);
    // Parked on the load under way: the only place such a request waits.
    await().atMost(AWAIT).until(() -> waiter.getState() == Thread.State.WAITING);

    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    assertThat(memory.loaded()).isEmpty();
    loads.finish();

    for (CompletableFuture<ModelMemory.Lease> request : java.util.List.of(first, second)) {
      try (ModelMemory.Lease lease = request.get(10, TimeUnit.SECONDS)) {
        assertThat(lease.loadNanos()).isPositive();
      }
    }
    loader.join();
    assertThat(loads.started()).isEqualTo(1);
    assertThat(memory.loads()).isEqualTo(1);
    assertThat(memory.loaded()).isPresent();
  }

  @Test
  void unloadingOnRequestWaitsForTheRequestsThatUseTheModel() throws Exception {
    ModelMemory memory = memory(ModelSettings.NEVER_UNLOAD, HeldLoads.instant());
    ModelMemory.Lease answering = memory.use(null);
    memory.unload();
    assertThat(memory.loaded()).isPresent();
    answering.close();
    assertThat(memory.loaded()).isEmpty();
  }

  @Test
  void anInterruptedLoadFailsItsRequestsAndTheNextRequestLoadsAgain() throws Exception {
    HeldLoads loads = HeldLoads.held();
    ModelMemory memory = memory(ModelSettings.NEVER_UNLOAD, loads);
    Thread.currentThread().interrupt(); // as a stopping VM interrupts its request threads
    assertThatThrownBy(() -> memory.use(null)).isInstanceOf(IOException.class)
        .hasMessageContaining("interrupted");
    assertThat(Thread.interrupted()).isTrue();
    assertThat(memory.loaded()).isEmpty();

    loads.finish();
    memory.use(null).close();
    assertThat(memory.loaded()).isPresent();
    assertThat(memory.loads()).isEqualTo(1);
  }

  private static Thread requestOn(ModelMemory memory, CompletableFuture<ModelMemory.Lease> answer) {
    Thread thread = new Thread(() -> {
      try {
        answer.complete(memory.use(null));
      } catch (IOException | RuntimeException e) {
        answer.completeExceptionally(e);
      }
    }, "request");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
