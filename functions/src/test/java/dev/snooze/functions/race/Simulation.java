package dev.snooze.functions.race;

import dev.snooze.activity.ActivityMessage;
import dev.snooze.functions.activity.Activity;
import dev.snooze.config.GpuOffer;
import dev.snooze.functions.compute.FakeMig;
import dev.snooze.functions.compute.Mig;
import dev.snooze.functions.compute.MigView;
import dev.snooze.functions.compute.PermanentComputeException;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.compute.TransientComputeException;
import dev.snooze.functions.control.Controller;
import dev.snooze.functions.decision.Action;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.InMemoryStateStore;
import dev.snooze.functions.state.Phase;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One world for one schedule: the real {@link Controller} over {@link InMemoryStateStore} and
 * {@link FakeMig} with a {@link ManualClock}, the Pub/Sub subscription and Cloud Scheduler
 * around it, and function invocations interleaved at their yield points (see {@link Invocation}).
 * It runs steps, drains, and records what the checks in {@link WakeSleepRaceTest} need,
 * with a readable trace.
 */
final class Simulation {
  static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  static final Duration SCHEDULER_INTERVAL = Duration.ofMinutes(1);

  final Policy policy;
  final SleepMode mode;
  final ManualClock clock = new ManualClock(START);
  final InMemoryStateStore store = new InMemoryStateStore();
  /** Each offer's MIG, in order of preference. */
  final Map<String, FakeMig> fakes = new LinkedHashMap<>();
  private final List<Invocation> live = new ArrayList<>();
  private final RacingMig.SleepWatch sleepWatch;
  final Frontend frontend = new Frontend(clock, this::publishFromFrontend);

  private final List<Activity> unacknowledged = new ArrayList<>();
  private final Map<String, Instant> acknowledgedAt = new HashMap<>();
  private final List<Activity> acknowledged = new ArrayList<>();
  private final Map<Invocation, Activity> wakes = new HashMap<>();
  private final List<Line> trace = new ArrayList<>();
  private long fingerprint = 0xcbf29ce484222325L;
  private final List<String> wrongSleeps = new ArrayList<>();
  /** VMs of the offer serving taken away other than by a draining scale-in, while requests were in flight. */
  final List<String> removedWhileStreaming = new ArrayList<>();
  private final java.util.Set<String> sleepsJudged = new java.util.HashSet<>();
  private int published;
  private int started;
  private int ids;
  private String stepLabel = "";

  // Set by drain(): when its ticks began, and whether the first one, before any time passed, found it awake.
  Instant drainedAt;
  boolean awakeAtOnce;

  // Figures for the statistics.
  int sleepsIssued;
  int giveUps;
  int sleepsOverNewerActivity;
  int conflicts;
  int faults;
  int maxLive;

  Simulation(Policy policy, SleepMode mode) {
    this.policy = policy;
    this.mode = mode;
    for (GpuOffer offer : policy.offers()) {
      fakes.put(offer.mig(), new FakeMig(clock).bootInstantly(false));
    }
    sleepWatch = new RacingMig.SleepWatch() {
      @Override
      public void issued(String requestId, String mig) {
        if (sleepClaimed(requestId)) {
          // One sleep reaches every offer's MIG in turn: it is judged at its first call, right
          // after its decision; the others carry out that same decision.
          if (sleepsJudged.add(requestId)) {
            checkSleepIssued(requestId);
          } else {
            note("  Compute sleep " + requestId + " of " + mig + " issued");
          }
        } else {
          giveUps++;
          note("  Compute give-up of " + mig + " issued (" + requestId + ")");
          SnoozeState now = state();
          // (A sleep decided earlier reaching its next offer's MIG is a sleep, judged by the wrong-sleep rules.)
          if (!sleepsJudged.contains(requestId) && now.phase().wantsGpu()
              && Decisions.current(now, policy).mig().equals(mig) && frontend.inFlight() > 0) {
            removedWhileStreaming.add(stepLabel + ": " + mig + ", the offer serving, was given up (stopped or resized"
                + " to 0, not drained) while " + frontend.inFlight() + " request(s) were in flight");
          }
        }
      }

      @Override
      public void applying(String requestId, String mig) {
        if (sleepClaimed(requestId) && youngestAcknowledged().filter(a -> younger(a, policy.idleTimeout())).isPresent()) {
          // Decided before that activity was acknowledged; afterSleep wakes the MIG again (checked at the end).
          sleepsOverNewerActivity++;
          note("  Compute sleep " + requestId + " lands after newer activity was acknowledged");
        }
      }
    };
  }

  /** A Controller as one function instance has it, seeing the world through {@code invocation}. */
  private Controller controller(Invocation invocation) {
    return new Controller(policy, mode,
        new RacingStore(store, invocation, () -> conflicts++),
        racing(invocation),
        invocation.clock(clock),
        () -> invocation.interact(() -> "c" + (++ids)));
  }

  private Map<String, Mig> racing(Invocation invocation) {
    Map<String, Mig> migs = new LinkedHashMap<>();
    fakes.forEach((name, fake) -> migs.put(name, new RacingMig(name, fake, invocation, sleepWatch)));
    return migs;
  }

  private void finishBoots() {
    fakes.values().forEach(FakeMig::finishBoot);
  }

  /** The offer a step's number picks. */
  private GpuOffer offer(int pick) {
    return policy.offers().get(pick % policy.offers().size());
  }

  /** Carries out one step of the schedule. */
  void run(int index, Step step) {
    stepLabel = (index < 10 ? "  " : index < 100 ? " " : "") + index + " " + step;
    if (step instanceof Step.Publish p) {
      String id = "m" + (++published);
      Activity activity = new Activity(id, clock.instant(), "frontend-1", p.kind(),
          p.kind() == ActivityMessage.Kind.HEARTBEAT ? p.inFlight() : null);
      unacknowledged.add(activity);
      note(id + " published");
    } else if (step instanceof Step.Begin b) {
      frontend.begin(b.backendAsleep());
      note("a user request begins at the frontend (" + frontend.inFlight() + " in flight)");
    } else if (step instanceof Step.End) {
      if (frontend.end()) {
        note("a user request ends at the frontend (" + frontend.inFlight() + " in flight)");
      } else {
        skip("no request in flight");
      }
    } else if (step instanceof Step.Deliver d) {
      if (unacknowledged.isEmpty()) {
        skip("nothing unacknowledged");
      } else {
        deliver(unacknowledged.get(d.pick() % unacknowledged.size()));
      }
    } else if (step instanceof Step.Burst) {
      if (unacknowledged.isEmpty()) {
        skip("nothing unacknowledged");
      } else {
        List.copyOf(unacknowledged).forEach(this::deliver);
      }
    } else if (step instanceof Step.Duplicate d) {
      if (acknowledged.isEmpty()) {
        skip("nothing acknowledged");
      } else {
        deliver(acknowledged.get(d.pick() % acknowledged.size()));
      }
    } else if (step instanceof Step.Tick) {
      tick();
    } else if (step instanceof Step.Resume r) {
      if (live.isEmpty()) {
        skip("nothing waiting");
      } else {
        resume(live.get(r.pick() % live.size()));
      }
    } else if (step instanceof Step.Advance a) {
      passTime(Duration.ofSeconds(a.seconds()));
      note("clock " + at(clock.instant()));
    } else if (step instanceof Step.Quiet q) {
      Instant newest = START;
      for (Activity a : unacknowledged) {
        newest = a.publishTime().isAfter(newest) ? a.publishTime() : newest;
      }
      for (Activity a : acknowledged) {
        newest = a.publishTime().isAfter(newest) ? a.publishTime() : newest;
      }
      Instant until = newest.plus(policy.idleTimeout()).minusSeconds(15).plusSeconds(q.offsetSeconds());
      if (until.isAfter(clock.instant())) {
        passTime(Duration.between(clock.instant(), until));
        note("clock " + at(clock.instant()));
      } else {
        skip("already quiet");
      }
    } else if (step instanceof Step.Boot) {
      finishBoots();
      note("booting instances serve");
    } else if (step instanceof Step.Stockout s) {
      GpuOffer offer = offer(s.pick());
      fakes.get(offer.mig()).stockout(s.on());
      note(s.on() ? "no GPUs for " + offer.mig() : "GPUs for " + offer.mig() + " available again");
    } else if (step instanceof Step.Preempt p) {
      GpuOffer offer = offer(p.pick());
      List<String> taken = offer.spot() ? fakes.get(offer.mig()).preempt() : List.of();
      if (taken.isEmpty()) {
        skip("no spot VM of " + offer.mig() + " to preempt");
      } else {
        note(offer.mig() + " preempted: " + taken);
      }
    } else if (step instanceof Step.ComputeFault f) {
      faults++;
      FakeMig fake = fakes.get(offer(f.pick()).mig());
      switch (f.kind()) {
        case TRANSIENT -> fake.failNext(new TransientComputeException("injected: 503 from Compute", null));
        case APPLIED_THEN_TIMEOUT -> fake.failNextAfterApplying(
            new TransientComputeException("injected: operation not done in time", null));
        case PERMANENT -> fake.failNext(
            new PermanentComputeException("PERMISSION_DENIED", "injected: forbidden", null));
      }
      note("armed for the next Compute call");
    } else if (step instanceof Step.StoreFault f) {
      faults++;
      RuntimeException failure = new StateStore.StoreUnavailableException("injected: Firestore UNAVAILABLE", null);
      switch (f.kind()) {
        case UNAVAILABLE -> store.failNext(failure);
        case COMMITTED_THEN_UNAVAILABLE -> store.failNextAfterWrite(failure);
      }
      note("armed for the next store call");
    } else if (step instanceof Step.Conflict) {
      try {
        // Same content, new version: what a concurrent writer's commit does to a waiting decision.
        store.update(s -> new StateStore.Change<>(s.withClaim(s.claim()), null));
        note("another writer committed");
      } catch (StateStore.StoreUnavailableException e) {
        note("the armed store fault hit the other writer");
      }
    }
    maxLive = Math.max(maxLive, live.size());
  }

  /** Before the schedule: one activity, acknowledged, and the MIG serving it. */
  void wakeUp() {
    stepLabel = "start awake";
    Activity first = new Activity("m" + (++published), clock.instant(), "frontend-1", ActivityMessage.Kind.REQUEST, null);
    unacknowledged.add(first);
    finish(deliver(first));
    finishBoots();
    finish(tick());
  }

  /**
   * Ends the schedule as the system would settle: faults stop, capacity comes back, boots finish,
   * every waiting invocation runs to its end, Pub/Sub redelivers every unacknowledged message until
   * it is acknowledged, all without time passing; then Cloud Scheduler ticks at once and every
   * minute until the state and the MIG agree and the tick has nothing to do, at most for the
   * claim lease plus three minutes (an abandoned claim blocks that long, by design).
   *
   * @return problems found: messages never acknowledged, a system that never settles
   */
  List<String> drain() {
    stepLabel = "drain";
    fakes.values().forEach(f -> f.clearFailures().stockout(false));
    store.clearFailures();
    finishBoots();
    note("faults off, GPUs available, boots done");
    while (frontend.end()) {
      note("the user's request ends at the frontend");
    }
    List<String> problems = new ArrayList<>();
    while (!live.isEmpty()) {
      finish(live.get(0));
    }
    deliverAll(problems);
    finishBoots();
    drainedAt = clock.instant();
    long maxTicks = policy.claimLease().toSeconds() / SCHEDULER_INTERVAL.toSeconds() + 3;
    for (int tick = 0; ; tick++) {
      // What the frontend published as time passed (its trailing message) is delivered too.
      deliverAll(problems);
      Invocation invocation = tick();
      finish(invocation);
      finishBoots();
      if (tick == 0) {
        awakeAtOnce = awake() && state().phase() == Phase.AWAKE;
      }
      if (invocation.failure() == null && invocation.result() instanceof Action.None && settled()) {
        break;
      }
      if (tick >= maxTicks) {
        problems.add("not settled after " + tick + " scheduler ticks: phase " + state().phase()
            + ", MIGs " + describe());
        break;
      }
      passTime(SCHEDULER_INTERVAL);
      note("clock " + at(clock.instant()));
    }
    return problems;
  }

  /** Pub/Sub redelivers every unacknowledged message until each is acknowledged (faults are off). */
  private void deliverAll(List<String> problems) {
    for (int round = 1; !unacknowledged.isEmpty(); round++) {
      if (round > 5) {
        problems.add("messages never acknowledged though every fault stopped: " + unacknowledged);
        return;
      }
      for (Activity activity : List.copyOf(unacknowledged)) {
        finish(deliver(activity));
      }
    }
  }

  /** Time passes; the frontend's timers fire at their moments on the way. */
  private void passTime(Duration duration) {
    Instant target = clock.instant().plus(duration);
    for (Instant due = frontend.nextTimer(); due != null && !due.isAfter(target); due = frontend.nextTimer()) {
      clock.advance(Duration.between(clock.instant(), due));
      frontend.fireDue();
    }
    clock.advance(Duration.between(clock.instant(), target));
  }

  /** The frontend publishes now: the message waits in the subscription like any other. */
  private String publishFromFrontend(ActivityMessage.Kind kind, int inFlight) {
    String id = "m" + (++published);
    unacknowledged.add(new Activity(id, clock.instant(), "frontend-1", kind, inFlight));
    note(id + " published by the frontend: " + kind.wire() + " inFlight=" + inFlight);
    return id;
  }

  /** The frontend's promise, checked after every step: see {@link Frontend#uncovered()}. */
  List<String> uncoveredActivity() {
    return frontend.uncovered();
  }

  /**
   * The wanted offer serves at its size, which the reports recorded need (no fewer, and no more
   * than the scale-in delay keeps), no other holds anything, and the state says AWAKE; or
   * every offer is empty and the state says ASLEEP.
   */
  boolean settled() {
    Phase phase = state().phase();
    return phase == Phase.AWAKE && awake() && holding().size() == 1
            && Decisions.size(state(), policy) >= Decisions.wanted(state(), policy, clock.instant())
            && Decisions.size(state(), policy) <= Decisions.keep(state(), policy, clock.instant())
        || phase == Phase.ASLEEP && holding().isEmpty()
            && fakes.values().stream().allMatch(f -> f.observe().active() == 0);
  }

  /** The offer the state wants serves at the size the state asks for (the desired size without scaling). */
  boolean awake() {
    MigView view = fakes.get(Decisions.current(state(), policy).mig()).observe();
    int size = Decisions.size(state(), policy);
    return view.targetSize() == size
        && view.instances().stream().filter(MigView.Instance::serving).count() >= size;
  }

  /** The offers whose MIG holds instances or aims for some. */
  List<String> holding() {
    return fakes.entrySet().stream().filter(e -> e.getValue().holdsAny()).map(Map.Entry::getKey).toList();
  }

  /**
   * Whether a sleep of a MIG under {@code requestId} puts the GPU to sleep (the state holds the
   * sleep claim of that id, committed just before) rather than giving an offer up: only the
   * former is judged by the wrong-sleep rules; a give-up is judged by where things settle.
   */
  private boolean sleepClaimed(String requestId) {
    SnoozeState.Claim claim = state().claim();
    return claim != null && claim.kind() == SnoozeState.ClaimKind.SLEEP && claim.id().equals(requestId);
  }

  /** Scale steps out (or in) in the history: for the statistics. */
  int scaleSteps(boolean out) {
    return (int) state().history().stream()
        .filter(e -> e.kind() == SnoozeState.EventKind.SCALE)
        .filter(e -> {
          // "2 → 3 GPU VMs: …": out when the second number is the larger.
          String[] sizes = e.reason().substring(0, e.reason().indexOf(" GPU VMs")).split(" → ");
          return Integer.parseInt(sizes[1]) > Integer.parseInt(sizes[0]) == out;
        })
        .count();
  }

  /** Failovers in the history: for the statistics. */
  int failovers() {
    return (int) state().history().stream()
        .filter(e -> e.kind() == dev.snooze.functions.state.SnoozeState.EventKind.FAILOVER).count();
  }

  /** Faults stop: for a failure report. */
  void clearFailures() {
    fakes.values().forEach(FakeMig::clearFailures);
    store.clearFailures();
  }

  SnoozeState state() {
    return store.read();
  }

  /** The acknowledged activity with the newest publish time. */
  Optional<Activity> youngestAcknowledged() {
    return acknowledged.stream().max(Comparator.comparing(Activity::publishTime));
  }

  /** Published less than {@code age} before now. */
  boolean younger(Activity activity, Duration age) {
    return younger(activity, age, clock.instant());
  }

  /** Published less than {@code age} before {@code at}. */
  static boolean younger(Activity activity, Duration age, Instant at) {
    return Duration.between(activity.publishTime(), at).compareTo(age) < 0;
  }

  List<String> wrongSleeps() {
    return wrongSleeps;
  }

  /** What happened, one line per step or event: for failure messages. */
  List<String> trace() {
    return trace.stream().map(Line::toString).toList();
  }

  /**
   * 64 bits (FNV-1a) of the execution so far, every event with its time, steps that found
   * nothing to act on left out: equal for two runs only if they interleaved alike.
   */
  long fingerprint() {
    return fingerprint;
  }

  /** Every offer's MIG. */
  String describe() {
    StringBuilder out = new StringBuilder();
    fakes.forEach((name, fake) -> {
      MigView view = fake.observe();
      out.append(out.length() == 0 ? "" : "; ").append(name).append(" targetSize=").append(view.targetSize())
          .append(" targetStoppedSize=").append(view.targetStoppedSize())
          .append(" instances=").append(view.instances().stream()
              .map(i -> i.name() + ":" + (i.status().isEmpty() ? "waiting" : i.status())).toList());
    });
    return out.toString();
  }

  /** hh:mm:ss since the start of the schedule. */
  static String at(Instant instant) {
    long s = Duration.between(START, instant).toSeconds();
    return twoDigits(s / 3600) + ":" + twoDigits(s / 60 % 60) + ":" + twoDigits(s % 60);
  }

  // Not String.format, which parses its pattern on every call: every run writes dozens of lines.
  private static String twoDigits(long n) {
    return n < 10 ? "0" + n : Long.toString(n);
  }

  private Invocation deliver(Activity activity) {
    Invocation invocation = new Invocation("wake#" + (++started) + "(" + activity.messageId() + ")",
        self -> controller(self).onActivity(activity));
    wakes.put(invocation, activity);
    start(invocation);
    return invocation;
  }

  private Invocation tick() {
    Invocation invocation = new Invocation("tick#" + (++started), self -> controller(self).tick());
    start(invocation);
    return invocation;
  }

  private void start(Invocation invocation) {
    live.add(invocation);
    resume(invocation);
  }

  private void resume(Invocation invocation) {
    invocation.resume();
    if (invocation.done()) {
      live.remove(invocation);
    }
    report(invocation);
  }

  private void finish(Invocation invocation) {
    while (!invocation.done()) {
      resume(invocation);
    }
  }

  private void report(Invocation invocation) {
    if (!invocation.done()) {
      note(invocation + " waits before " + invocation.waitingAt());
      return;
    }
    Activity activity = wakes.remove(invocation);
    if (invocation.failure() != null) {
      note(invocation + " failed: " + invocation.failure().getClass().getSimpleName() + ": "
          + invocation.failure().getMessage() + (activity != null ? " (Pub/Sub will redeliver)" : ""));
      return;
    }
    note(invocation + " returned " + describe((Action) invocation.result())
        + (activity != null ? ", " + activity.messageId() + " acknowledged" : ""));
    if (activity != null && acknowledgedAt.putIfAbsent(activity.messageId(), clock.instant()) == null) {
      unacknowledged.remove(activity);
      acknowledged.add(activity);
    }
  }

  /**
   * Wrong sleep, checked the moment the Controller asks Compute to sleep: that is in the same
   * uninterrupted step as the commit of the sleep claim it carries out (a commit, the store's
   * return, then this call), so "now" is the moment the sleep was decided.
   */
  private void checkSleepIssued(String requestId) {
    sleepsIssued++;
    // The user's promise: never earlier than the idle timeout after a request the frontend saw,
    // once the functions have been told of it (the message covering it was acknowledged).
    for (Instant moment : frontend.activity()) {
      Optional<Frontend.Published> cover = frontend.covering(moment);
      if (clock.instant().isBefore(moment.plus(policy.idleTimeout())) && cover.isPresent()
          && acknowledgedAt.containsKey(cover.get().messageId())) {
        wrongSleeps.add("Compute asked to sleep (request " + requestId + ") at " + at(clock.instant())
            + ", less than the idle timeout " + policy.idleTimeout() + " after a request the frontend saw at "
            + at(moment) + " (covered by " + cover.get().messageId() + ", acknowledged at "
            + at(acknowledgedAt.get(cover.get().messageId())) + ")");
      }
    }
    for (Activity activity : acknowledged) {
      if (younger(activity, policy.idleTimeout())) {
        wrongSleeps.add("Compute asked to sleep (request " + requestId + ") at " + at(clock.instant())
            + " while " + activity.messageId() + ", published at " + at(activity.publishTime())
            + " and acknowledged at " + at(acknowledgedAt.get(activity.messageId()))
            + ", is younger than the idle timeout " + policy.idleTimeout());
      }
    }
    note("  Compute sleep " + requestId + " issued");
  }

  private static String describe(Action action) {
    if (action instanceof Action.Wake w) {
      return "Wake " + w.offer() + (w.giveUp().isEmpty() ? "" : " giving up " + w.giveUp()) + " " + w.requestId();
    }
    if (action instanceof Action.Sleep s) {
      return "Sleep " + s.requestId();
    }
    if (action instanceof Action.GiveUp g) {
      return "GiveUp " + g.offers() + " " + g.requestId();
    }
    return "None";
  }

  private void note(String event) {
    skip(event);
    mix(clock.instant().getEpochSecond());
    for (int i = 0; i < event.length(); i++) {
      mix(event.charAt(i));
    }
  }

  /** Traced, but not part of the execution: a step that found nothing to act on. */
  private void skip(String event) {
    trace.add(new Line(stepLabel, clock.instant(), event));
    stepLabel = "";
  }

  private void mix(long value) {
    fingerprint = (fingerprint ^ value) * 0x100000001b3L;
  }

  /** One line of the trace, formatted only when a failure is reported. */
  private record Line(String step, Instant at, String event) {
    @Override
    public String toString() {
      return step + " ".repeat(Math.max(1, 36 - step.length())) + Simulation.at(at) + "  " + event;
    }
  }
}
