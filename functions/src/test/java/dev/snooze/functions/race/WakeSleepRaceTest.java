package dev.snooze.functions.race;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.scale.Scaling;
import java.util.Objects;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.snooze.functions.decision.Decisions;
import java.time.ZoneOffset;
import java.time.LocalDate;
import java.time.Instant;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * The wake/sleep control under random interleavings: the real {@link
 * dev.snooze.functions.control.Controller} (the code Wake and Sleep run) over the in-memory store
 * and MIG fakes and a manual clock, driven by a generated {@link Step schedule}: activity
 * published and delivered in any order, several at once (concurrent wakes), again after a failure
 * (Pub/Sub redelivery) or after an acknowledgement (duplicates), Cloud Scheduler ticks, time
 * passing, boots, stockouts of any offer, preemptions of spot ones, and Compute and Firestore
 * faults on any offer's MIG, with one, two or three GPU offers, and user requests beginning and
 * ending at a {@link Frontend} whose real {@code Debouncer} decides what it publishes. Invocations interleave at every
 * store write (a lost race makes the decision run again, as FirestoreStateStore's precondition
 * does) and every Compute wake and sleep (see {@link Invocation}). {@value #TRIES} schedules run,
 * and at least {@value #REQUIRED_INTERLEAVINGS} distinct executions are required.
 *
 * <p>Definitions, "acknowledged" meaning that a Wake invocation for the message returned normally
 * (until then the message stays in the subscription and is delivered again):
 *
 * <dl>
 *   <dt>Wrong sleep
 *   <dd>At any step, the Controller asks Compute to sleep (resize to 0 or stop) while an
 *       acknowledged activity was published less than the idle timeout before. The moment is the
 *       sleep's decision (its claim's commit, which the Compute call follows with no other step
 *       between). The idle timeout, not {@link Policy#sleepAfter()}, is the promise: activity
 *       within the write granularity of the recorded one is not written, and the sleep waits
 *       {@code sleepAfter = idle timeout + granularity} after the recorded one so that such
 *       activity is always older than the idle timeout. Not a wrong sleep, by design: a sleep
 *       decided earlier whose Compute call lands after newer activity was acknowledged; the
 *       Controller then wakes the MIG again (counted in the statistics, checked by the next
 *       definition).
 *   <dt>Early sleep (a wrong sleep too)
 *   <dd>The user's promise: the Controller asks Compute to sleep less than the idle timeout after a
 *       moment a user request began or ended at the frontend, although the message covering that
 *       moment (the first the frontend published at or after it) was acknowledged.
 *   <dt>Activity left unreported
 *   <dd>A moment a user request began or ended at the frontend is more than the frontend's debounce
 *       window old, and no message published within that window covers it. With the two rules
 *       above this is what makes "never asleep earlier than the idle timeout after the last
 *       request" hold for any request pattern, once messages are delivered.
 *   <dt>Lost wake
 *   <dd>After the schedule the system is drained ({@link Simulation#drain()}: faults stop, GPUs
 *       are available, boots finish, every waiting invocation finishes, Pub/Sub redelivers every
 *       unacknowledged message, then Cloud Scheduler ticks every minute until settled, for at most
 *       the claim lease plus three minutes). A lost wake is any of: a message still not
 *       acknowledged then (lost, or failing for good); at the end, an acknowledged activity
 *       published less than the idle timeout before while the MIG is below its desired size, its
 *       instances are not serving, or the state does not say AWAKE; and, when no Compute or
 *       Firestore fault was injected, the same already at the drain's first tick, before any time
 *       passes (without faults nothing may wait for a claim lease; with them a wake may lawfully
 *       wait for it, e.g. after a Sleep that had to wake the MIG again failed).
 *   <dt>Two offers serving (a lost wake too)
 *   <dd>After the drain, more than one offer's MIG holds instances or aims for some: two GPUs
 *       billed for one demand.
 *   <dt>Idle GPU left running
 *   <dd>At the end, every activity is older than both {@code sleepAfter} and the heartbeat TTL,
 *       yet the MIG is not empty or the state does not say ASLEEP.
 * </dl>
 */
class WakeSleepRaceTest {
  static final int TRIES = 12_000;
  static final int REQUIRED_INTERLEAVINGS = 10_000;

  /** Production's ratios, compressed so that a short schedule spans several sleeps and wakes. */
  static Policy policy(int desiredSize, int offers, boolean scales) {
    List<GpuOffer> all = List.of(
        new GpuOffer("gpu-spot", "us-central1", GpuOffer.ProvisioningModel.SPOT),
        new GpuOffer("gpu", "us-central1", GpuOffer.ProvisioningModel.STANDARD),
        new GpuOffer("gpu-t4", "us-central1-b", GpuOffer.ProvisioningModel.STANDARD));
    Policy policy = new Policy(Duration.ofMinutes(2), desiredSize, Duration.ofSeconds(10), Duration.ofMinutes(3),
        Duration.ofMinutes(3), Duration.ofMinutes(1), all.subList(0, offers), Duration.ofMinutes(2));
    // One request per VM up to 3 VMs, so that a few requests scale out and their end scales in
    // 30 s later: inside the schedules' span, and across ticks, heartbeats and the idle timeout.
    return scales ? policy.withScaling(new Scaling(3, 1, Duration.ofSeconds(30))) : policy;
  }

  static {
    QuietConsole.install();
  }

  private static final Set<Long> INTERLEAVINGS = ConcurrentHashMap.newKeySet();
  private static final Set<Long> CONCURRENT_INTERLEAVINGS = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static volatile boolean failed;
  private static long startedAt;
  private static long cpuAtStart;

  @BeforeProperty
  void reset() {
    INTERLEAVINGS.clear();
    CONCURRENT_INTERLEAVINGS.clear();
    RUNS.set(0);
    failed = false;
    startedAt = System.nanoTime();
    cpuAtStart = processCpuNanos();
    QuietConsole.mute();
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void noLostWakeNoWrongSleepNoIdleGpu(
      @ForAll("schedules") List<Step> schedule,
      @ForAll SleepMode mode,
      @ForAll @IntRange(min = 1, max = 2) int desiredSize,
      @ForAll @IntRange(min = 1, max = 3) int offers,
      @ForAll boolean startAwake,
      @ForAll boolean preferredOut,
      @ForAll boolean scales) {
    Policy policy = policy(desiredSize, offers, scales);
    Simulation sim = new Simulation(policy, mode);
    if (preferredOut) {
      sim.run(-1, new Step.Stockout(0, true));
    }
    if (startAwake) {
      sim.wakeUp();
    }
    for (int i = 0; i < schedule.size(); i++) {
      sim.run(i, schedule.get(i));
      failOnWrongSleep(sim);
      failOnVmRemovedWhileStreaming(sim);
    }
    countInterleaving(sim);

    List<String> problems = new ArrayList<>(sim.drain());
    failOnWrongSleep(sim);
    failOnVmRemovedWhileStreaming(sim);
    failOnInexactLedger(sim);
    failOnScaleInBelowDemand(sim);
    SnoozeState state = sim.state();
    Optional<Activity> youngest = sim.youngestAcknowledged();
    boolean fresh = youngest.filter(a -> sim.younger(a, policy.idleTimeout())).isPresent();
    if (fresh && (!sim.awake() || state.phase() != Phase.AWAKE)) {
      problems.add(youngest.get().messageId() + " was published at " + Simulation.at(youngest.get().publishTime())
          + ", less than the idle timeout ago, yet the MIGs are at " + sim.describe() + " and the state says "
          + state.phase() + " wanting " + state.offer());
    }
    int size = Decisions.size(state, policy);
    int wanted = Decisions.wanted(state, policy, sim.clock.instant());
    if (state.phase() == Phase.AWAKE && size < wanted) {
      problems.add("a scale-out was lost: the reports recorded need " + wanted + " VMs, the state asks for " + size);
    }
    int keep = Decisions.keep(state, policy, sim.clock.instant());
    if (state.phase() == Phase.AWAKE && size > keep) {
      problems.add("a scale-in was lost: " + size + " VMs asked for, although for the scale-in delay no more than "
          + keep + " were needed");
    }
    if (sim.holding().size() > 1) {
      problems.add("two offers hold GPUs once settled: " + sim.holding() + " (" + sim.describe() + ")");
    }
    if (sim.faults == 0 && !sim.awakeAtOnce
        && youngest.filter(a -> Simulation.younger(a, policy.idleTimeout(), sim.drainedAt)).isPresent()) {
      problems.add("no fault was injected, yet the first tick of the drain found the GPU not awake, although "
          + youngest.get().messageId() + " was published less than the idle timeout before");
    }
    if (!problems.isEmpty()) {
      throw failure("lost wake", problems, sim);
    }
    Duration quiet = policy.sleepAfter().compareTo(policy.heartbeatTtl()) > 0
        ? policy.sleepAfter() : policy.heartbeatTtl();
    boolean idle = youngest.filter(a -> sim.younger(a, quiet)).isEmpty();
    if (idle && (!sim.holding().isEmpty() || state.phase() != Phase.ASLEEP)) {
      throw failure("idle GPU left running", List.of("no activity for " + quiet + " yet the MIGs are at "
          + sim.describe() + " and the state says " + state.phase()), sim);
    }

    Statistics.label("ends with activity younger than the idle timeout (lost-wake check bites)").collect(fresh);
    Statistics.label("ends idle (idle-GPU check bites)").collect(idle);
    Statistics.label("most invocations in flight at once").collect(Math.min(sim.maxLive, 4));
    Statistics.label("sleeps issued").collect(Math.min(sim.sleepsIssued, 3));
    Statistics.label("decisions redone after a lost store race").collect(sim.conflicts > 0);
    Statistics.label("a sleep reached Compute after newer activity (woken again)")
        .collect(sim.sleepsOverNewerActivity > 0);
    Statistics.label("faults injected").collect(Math.min(sim.faults, 3));
    Statistics.label("failovers").collect(Math.min(sim.failovers(), 3));
    Statistics.label("scale steps (out, in)").collect(Math.min(sim.scaleSteps(true), 2), Math.min(sim.scaleSteps(false), 2));
  }

  private static void failOnVmRemovedWhileStreaming(Simulation sim) {
    if (!sim.removedWhileStreaming.isEmpty()) {
      throw failure("VM removed while it streams", sim.removedWhileStreaming, sim);
    }
  }

  /**
   * Every scale-in the committed states record keeps at least the VMs the reports it had
   * recorded needed at its moment: VMs go only once demand is lower, and then by a draining resize.
   */
  private static void failOnScaleInBelowDemand(Simulation sim) {
    SnoozeState previous = SnoozeState.initial();
    for (SnoozeState next : sim.store.commits()) {
      if (previous.phase().wantsGpu() && next.phase().wantsGpu() && next.size() < previous.size()
          && Objects.equals(previous.offer(), next.offer())) {
        Instant at = scaledAt(next);
        int wanted = Decisions.wanted(next, sim.policy, at);
        if (next.size() < wanted) {
          throw failure("VM removed while it streams", List.of("at " + Simulation.at(at) + " the size went from "
              + previous.size() + " to " + next.size() + " while the reports recorded needed " + wanted), sim);
        }
      }
      previous = next;
    }
  }

  /** When the newest size change of {@code state} was decided: its SCALE event. */
  private static Instant scaledAt(SnoozeState state) {
    for (int i = state.history().size() - 1; i >= 0; i--) {
      if (state.history().get(i).kind() == SnoozeState.EventKind.SCALE) {
        return state.history().get(i).at();
      }
    }
    throw new AssertionError("a size change without its SCALE event: " + state);
  }

  private static void failOnWrongSleep(Simulation sim) {
    if (!sim.wrongSleeps().isEmpty()) {
      throw failure("wrong sleep", sim.wrongSleeps(), sim);
    }
    if (!sim.uncoveredActivity().isEmpty()) {
      throw failure("activity left unreported", sim.uncoveredActivity(), sim);
    }
  }

  /**
   * The ledger against the committed states themselves: each offer is charged exactly while the state
   * wanted it (WAKING, AWAKE, ERROR), from the commit that entered those phases or moved the wake on
   * to it (phaseSince, offerSince) to the one that left them or moved the wake on, except an offer
   * given up for want of a VM, which costs nothing.
   * Duplicated, redelivered and concurrent deliveries must neither add time nor lose any.
   */
  private static void failOnInexactLedger(Simulation sim) {
    Map<String, Long> expected = new TreeMap<>();
    Map<String, Instant> charged = new HashMap<>();
    Map<String, Integer> sizes = new HashMap<>();
    SnoozeState previous = SnoozeState.initial();
    for (SnoozeState next : sim.store.commits()) {
      boolean was = previous.phase().wantsGpu();
      boolean is = next.phase().wantsGpu();
      String before = Decisions.current(previous, sim.policy).mig();
      String after = Decisions.current(next, sim.policy).mig();
      if (!was && is) {
        charged.put(after, next.phaseSince());
        sizes.put(after, Decisions.size(next, sim.policy));
      } else if (was && !is) {
        Instant since = charged.remove(before);
        expected.merge(before, charge(since, next.phaseSince(), sizes.remove(before)), Long::sum);
      } else if (was && !before.equals(after)) {
        Instant since = charged.remove(before);
        int size = sizes.remove(before);
        SnoozeState.LastError why = next.offerRecord(before).lastFailure();
        if (why != null && Decisions.PREEMPTED.equals(why.code())) {
          expected.merge(before, charge(since, next.offerSince(), size), Long::sum);
        }
        charged.put(after, next.offerSince());
        sizes.put(after, Decisions.size(next, sim.policy));
      } else if (was && next.size() != previous.size()) {
        // A scale step: the time before it at the old size, after it at the new one.
        Instant at = scaledAt(next);
        Instant since = charged.put(after, at);
        expected.merge(after, charge(since, at, sizes.put(after, Decisions.size(next, sim.policy))), Long::sum);
      }
      previous = next;
    }
    Instant now = sim.clock.instant();
    charged.forEach((mig, since) -> expected.merge(mig, charge(since, now, sizes.get(mig)), Long::sum));
    expected.values().removeIf(millis -> millis == 0);
    Map<String, Long> counted = new TreeMap<>(sim.state().ledger().millis(LocalDate.MIN, LocalDate.MAX, now, ZoneOffset.UTC));
    counted.values().removeIf(millis -> millis == 0);
    if (!counted.equals(expected)) {
      throw failure("inexact ledger", List.of("the ledger counts " + counted + " VM-milliseconds; the committed"
          + " states say " + expected), sim);
    }
    Statistics.label("GPU time charged").collect(!expected.isEmpty());
  }

  /**
   * VM-milliseconds from {@code since} to {@code until}; none when an invocation that read the clock
   * earlier committed later (instances' clocks differ in production too): time never counts backwards.
   */
  private static long charge(Instant since, Instant until, int size) {
    return Math.max(0, Duration.between(since, until).toMillis()) * size;
  }

  private static void countInterleaving(Simulation sim) {
    RUNS.incrementAndGet();
    long interleaving = sim.fingerprint();
    INTERLEAVINGS.add(interleaving);
    if (sim.maxLive >= 2) {
      CONCURRENT_INTERLEAVINGS.add(interleaving);
    }
  }

  @AfterProperty
  void enoughInterleavings() {
    QuietConsole.unmute();
    double seconds = (System.nanoTime() - startedAt) / 1e9;
    double cpu = (processCpuNanos() - cpuAtStart) / 1e9;
    System.out.printf("wake/sleep race: %d schedules run, %d distinct interleavings (%d with concurrent"
            + " invocations) in %.1f s (%.1f s of CPU)%n",
        RUNS.get(), INTERLEAVINGS.size(), CONCURRENT_INTERLEAVINGS.size(), seconds, cpu);
    // After a failure jqwik stops early and shrinks: its report, not this count, is what matters.
    if (!failed && INTERLEAVINGS.size() < REQUIRED_INTERLEAVINGS) {
      throw new AssertionError("only " + INTERLEAVINGS.size() + " distinct interleavings ran; "
          + REQUIRED_INTERLEAVINGS + " are required");
    }
  }

  /** CPU time of this JVM (all threads, JIT and GC included), for the report: wall time depends on the load. */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }

  /** What a step does; its numbers come separately, so that each shrinks on its own. */
  private enum StepKind {
    RESUME, BEGIN, END, PUBLISH_REQUEST, PUBLISH_HEARTBEAT, DELIVER, BURST, DUPLICATE, TICK, SECONDS, MINUTES, QUIET,
    BOOT, STOCKOUT, PREEMPT, COMPUTE_FAULT, STORE_FAULT, CONFLICT
  }

  /**
   * Schedules of up to 60 steps. Each step is a kind (shrinking towards RESUME, first in the list,
   * a no-op when nothing waits) and two numbers it may use (shrinking towards 0), combined rather
   * than flat-mapped, which jqwik cannot shrink well: a failure then shrinks to a short schedule.
   */
  @Provide
  Arbitrary<List<Step>> schedules() {
    Arbitrary<StepKind> kind = Arbitraries.frequency(
        Tuple.of(10, StepKind.RESUME),
        Tuple.of(5, StepKind.BEGIN),
        Tuple.of(3, StepKind.END),
        Tuple.of(2, StepKind.PUBLISH_REQUEST),
        Tuple.of(1, StepKind.PUBLISH_HEARTBEAT),
        Tuple.of(6, StepKind.DELIVER),
        Tuple.of(2, StepKind.BURST),
        Tuple.of(1, StepKind.DUPLICATE),
        Tuple.of(6, StepKind.TICK),
        Tuple.of(3, StepKind.SECONDS),
        Tuple.of(3, StepKind.MINUTES),
        Tuple.of(3, StepKind.QUIET),
        Tuple.of(2, StepKind.BOOT),
        Tuple.of(4, StepKind.STOCKOUT),
        Tuple.of(2, StepKind.PREEMPT),
        Tuple.of(2, StepKind.COMPUTE_FAULT),
        Tuple.of(2, StepKind.STORE_FAULT),
        Tuple.of(1, StepKind.CONFLICT));
    Arbitrary<Integer> number = Arbitraries.integers().between(0, 30);
    // Up to twice the idle timeout in one go.
    Arbitrary<Integer> seconds = Arbitraries.integers().between(1, 240).withDistribution(RandomDistribution.uniform());
    return Combinators.combine(kind, number, seconds).as(WakeSleepRaceTest::step)
        .list().ofMinSize(6).ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform());
  }

  private static Step step(StepKind kind, int n, int seconds) {
    return switch (kind) {
      case RESUME -> new Step.Resume(n);
      case BEGIN -> new Step.Begin(n % 2 == 0);
      case END -> new Step.End();
      case PUBLISH_REQUEST -> new Step.Publish(ActivityMessage.Kind.REQUEST, 0);
      case PUBLISH_HEARTBEAT -> new Step.Publish(ActivityMessage.Kind.HEARTBEAT, n % 3);
      case DELIVER -> new Step.Deliver(n);
      case BURST -> new Step.Burst();
      case DUPLICATE -> new Step.Duplicate(n);
      case TICK -> new Step.Tick();
      // Activity a few seconds apart is what the write granularity skips.
      case SECONDS -> new Step.Advance(n + 1);
      case MINUTES -> new Step.Advance(seconds);
      case QUIET -> new Step.Quiet(n);
      case BOOT -> new Step.Boot();
      case STOCKOUT -> new Step.Stockout(n / 2, n % 2 == 0);
      case PREEMPT -> new Step.Preempt(n);
      case COMPUTE_FAULT -> new Step.ComputeFault(Step.ComputeFault.Kind.values()[n % 3], n / 3);
      case STORE_FAULT -> new Step.StoreFault(Step.StoreFault.Kind.values()[n % 2]);
      case CONFLICT -> new Step.Conflict();
    };
  }

  private static AssertionError failure(String what, List<String> problems, Simulation sim) {
    failed = true;
    sim.clearFailures();
    StringBuilder message = new StringBuilder(what).append(" (definitions: WakeSleepRaceTest javadoc)\n");
    problems.forEach(p -> message.append("  ").append(p).append('\n'));
    message.append("what happened (step, clock, event):\n");
    sim.trace().forEach(line -> message.append("  ").append(line).append('\n'));
    message.append("final state: ").append(sim.state().phase()).append(", lastActivity ")
        .append(sim.state().lastActivity() == null ? "none" : Simulation.at(sim.state().lastActivity()))
        .append(", claim ").append(sim.state().claim()).append('\n');
    message.append("final MIGs: ").append(sim.describe()).append(", offer wanted ").append(sim.state().offer());
    return new AssertionError(message.toString());
  }
}
