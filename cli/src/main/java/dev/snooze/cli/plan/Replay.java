package dev.snooze.cli.plan;

import dev.snooze.activity.ActivityMessage.Kind;
import dev.snooze.functions.activity.Activity;
import dev.snooze.functions.budget.Spend;
import dev.snooze.functions.compute.SleepMode;
import dev.snooze.functions.decision.Action;
import dev.snooze.functions.decision.Decisions;
import dev.snooze.functions.decision.Policy;
import dev.snooze.functions.state.SnoozeState;
import dev.snooze.functions.state.StateStore.Change;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One setting replayed on a simulated clock, event by event: the requests reach the frontend
 * model, whose messages go at once to the functions' own {@link Decisions} on an in-memory
 * {@link SnoozeState}; the scheduled check runs every check interval; the simulated MIG serves a
 * wake's length after the resize; each action is carried out as the functions' {@code Controller}
 * does (a wake resizes the MIG, a sleep resizes it to 0 and then confirms with
 * {@link Decisions#afterSleep}, a check runs the scheduled check at once).
 *
 * <p>A request that finds the GPU serving is served at once and takes its logged duration; one
 * that does not is held (a cold start) until the GPU serves, then takes its duration; held longer
 * than the frontend's hold timeout, it is answered 503 then. With a budget, the frontend does as it
 * does with Status's verdict (at most {@link #BUDGET_FRESH} old, as its {@code BudgetWatch} keeps
 * it): a request that would be held while the budget is used up is answered 503 at once, and
 * held requests are let go when a check finds it used up. GPU time is read from the state's own
 * ledger ({@code SnoozeState.ledger()}, charged from the transaction that claims a wake to the
 * one that claims the sleep, times the desired size), as the budget and Status read it.
 *
 * <p>At one instant, things happen in this order: the MIG starts serving (held requests go), requests
 * end, held requests time out, requests arrive, the frontend's timers fire, the check runs. Nothing
 * is logged per event, and the hot path (a request) allocates nothing: only decisions do.
 */
final class Replay {
  private static final String SOURCE = "frontend";
  /** How often (in requests) the progress counter is updated. */
  private static final int PROGRESS_EVERY = 1 << 14;
  /** The frontend asks Status for the budget's verdict again when its last is this old ({@code BudgetWatch.FRESH}). */
  static final long BUDGET_FRESH = 5_000;
  /** The ledger keeps 70 days: it is read every 30 days of the replay, and at its end. */
  private static final int LEDGER_READ_DAYS = 30;

  private final Requests requests;
  private final Setting setting;
  private final Policy policy;
  private final long from;
  private final long to;
  private final long wakeMillis;
  private final long holdMillis;
  private final long tickMillis;
  private final int size;
  private final boolean capped;
  private final ZoneId ledgerZone;
  private final AtomicLong progress;
  private final SimulatedMig mig;
  private final FrontendModel frontend;
  private final LongHeap ends = new LongHeap();
  private final IntQueue held = new IntQueue();
  private final LongList coldWaits = new LongList();

  private SnoozeState state = SnoozeState.initial();
  private long now;
  private long ids;
  private long messages;
  private long wakes;
  private long served;
  private long timedOut;
  private long overBudget;
  /** VM-milliseconds read from the ledger so far, and the first day (in its zone) not read yet. */
  private long ledgerMillis;
  private LocalDate ledgerFrom;
  private long nextLedgerRead;
  /** The frontend's last reading of the budget (null: within it) and when it was read; MIN_VALUE: never. */
  private Spend.Exhausted budgetVerdict;
  private long budgetReadAt = Long.MIN_VALUE;

  /**
   * @param from the start of the period replayed, epoch ms, before the first request; checks run at
   *     {@code from} and every check interval after
   * @param to its end: the replay goes on past it only while requests are in flight or held
   * @param progress set to the requests replayed so far, now and then
   */
  Replay(Requests requests, Setting setting, FrontendModel.Settings frontendSettings, long from, long to,
      AtomicLong progress) {
    this.requests = requests;
    this.setting = setting;
    this.policy = setting.policy();
    this.from = from;
    this.to = to;
    this.wakeMillis = setting.wake().toMillis();
    this.holdMillis = frontendSettings.holdTimeout().toMillis();
    this.tickMillis = policy.checkInterval().toMillis();
    this.size = policy.desiredSize();
    this.capped = policy.budget().capped();
    this.ledgerZone = policy.budget().zone();
    this.ledgerFrom = LocalDate.ofInstant(Instant.ofEpochMilli(from), ledgerZone);
    this.nextLedgerRead = from + LEDGER_READ_DAYS * 86_400_000L;
    this.progress = progress;
    this.mig = new SimulatedMig(policy);
    this.frontend = new FrontendModel(frontendSettings, from, this::deliver);
  }

  Outcome run() {
    int n = requests.size();
    int next = 0;
    long nextTick = from;
    now = from;
    while (true) {
      long arrival = next < n ? requests.start(next) : Long.MAX_VALUE;
      long timeout = held.isEmpty() ? Long.MAX_VALUE : requests.start(held.peek()) + holdMillis;
      long t = Math.min(Math.min(Math.min(mig.servingAt(), ends.peek()), Math.min(timeout, arrival)),
          Math.min(frontend.nextTimer(), nextTick));
      if (t > to && next == n && ends.isEmpty() && held.isEmpty()) {
        break;
      }
      now = t;
      if (mig.servingAt() == t) {
        mig.serve();
        release();
      }
      while (ends.peek() == t) {
        ends.pop();
        frontend.end(t);
      }
      while (!held.isEmpty() && requests.start(held.peek()) + holdMillis == t) {
        giveUp(held.poll());
      }
      while (next < n && requests.start(next) == t) {
        arrive(next++);
        if ((next & (PROGRESS_EVERY - 1)) == 0) {
          progress.lazySet(next);
        }
      }
      if (frontend.nextTimer() == t) {
        frontend.fireDue(t);
      }
      if (nextTick == t) {
        tick();
        nextTick += tickMillis;
      }
    }
    progress.set(n);
    long end = Math.max(to, now);
    now = end;
    readLedger(true);
    long gpuMillis = ledgerMillis;
    long stoppedMillis = setting.mode() == SleepMode.STOP
        ? (end - from) * size - gpuMillis
        : 0;
    coldWaits.sort();
    Outcome.Waits all = new Outcome.Waits(coldWaits.percentile(50, served), coldWaits.percentile(95, served));
    Outcome.Waits cold = coldWaits.size() == 0 ? Outcome.Waits.NONE
        : new Outcome.Waits(coldWaits.percentile(50, 0), coldWaits.percentile(95, 0));
    return new Outcome(setting, from, end, n, coldWaits.size(), timedOut, overBudget, wakes, gpuMillis, stoppedMillis,
        all, cold);
  }

  /**
   * Request {@code i} reaches the frontend, which tells the functions (or not) before it is served,
   * refused for the budget, or held.
   */
  private void arrive(int i) {
    boolean serving = mig.serving();
    frontend.begin(now, !serving);
    if (serving) {
      served++;
      ends.push(now + requests.duration(i));
    } else if (capped && budgetUsedUp()) {
      overBudget++;
      frontend.end(now); // 503 with Retry-After, never held
      letGo();
    } else {
      held.add(i);
    }
  }

  /**
   * Whether the budget is used up, as the frontend knows it: Status's verdict read again when the last
   * is older than {@link #BUDGET_FRESH}; a verdict whose reset time has passed says nothing.
   */
  private boolean budgetUsedUp() {
    if (budgetReadAt == Long.MIN_VALUE || now - budgetReadAt >= BUDGET_FRESH) {
      budgetVerdict = Decisions.overBudget(state, policy, Instant.ofEpochMilli(now));
      budgetReadAt = now;
    }
    return budgetVerdict != null && now < budgetVerdict.resetsAt().toEpochMilli();
  }

  /** The budget is used up: the frontend answers every held request 503 now (they waited until now). */
  private void letGo() {
    while (!held.isEmpty()) {
      int i = held.poll();
      overBudget++;
      coldWaits.add(now - requests.start(i));
      frontend.end(now);
    }
  }

  /** The GPU serves: every held request goes to it now. */
  private void release() {
    while (!held.isEmpty()) {
      int i = held.poll();
      long waited = now - requests.start(i);
      if (waited > 0) {
        coldWaits.add(waited);
      } else {
        served++; // a wake of no length: it never waited
      }
      ends.push(now + requests.duration(i));
    }
  }

  /** Held for the whole hold timeout: the frontend answers 503 and the request ends. */
  private void giveUp(int i) {
    timedOut++;
    coldWaits.add(holdMillis);
    frontend.end(now);
  }

  private void tick() {
    apply(Decisions.onTick(state, mig.views(), policy, Instant.ofEpochMilli(now), id()));
    if (capped && !held.isEmpty() && budgetUsedUp()) {
      letGo(); // the page's and the probe's readings of Status, every few seconds while someone waits
    }
    if (now >= nextLedgerRead) {
      readLedger(false);
      nextLedgerRead = now + LEDGER_READ_DAYS * 86_400_000L;
    }
  }

  /**
   * Adds the ledger's VM-milliseconds from {@code ledgerFrom} to yesterday (or, at the end, to
   * today, its open charge counted up to now): each day is read once, before the ledger drops it.
   */
  private void readLedger(boolean end) {
    LocalDate today = LocalDate.ofInstant(Instant.ofEpochMilli(now), ledgerZone);
    LocalDate last = end ? today : today.minusDays(1);
    if (last.isBefore(ledgerFrom)) {
      return;
    }
    for (long millis : state.ledger().millis(ledgerFrom, last, Instant.ofEpochMilli(now), ledgerZone).values()) {
      ledgerMillis += millis;
    }
    ledgerFrom = last.plusDays(1);
  }

  /** A message from the frontend, delivered to the Wake function at once. */
  private void deliver(Kind kind, int inFlight) {
    Instant at = Instant.ofEpochMilli(now);
    Activity activity = new Activity("m" + (++messages), at, SOURCE, kind, inFlight);
    apply(Decisions.onActivity(state, activity, policy, at, id()));
  }

  /** Commits a decision's state, counts a wake from sleep, and carries its action out. */
  private void apply(Change<Action> change) {
    boolean wanted = state.phase().wantsGpu();
    if (change.next() != null) {
      state = change.next();
    }
    if (!wanted && state.phase().wantsGpu()) {
      wakes++;
    }
    Action action = change.result();
    if (action instanceof Action.Wake) {
      mig.wake(now, wakeMillis);
    } else if (action instanceof Action.Sleep sleep) {
      mig.sleep();
      apply(Decisions.afterSleep(state, policy, sleep.requestId(), Instant.ofEpochMilli(now), id()));
    } else if (action instanceof Action.Check) {
      tick();
    } else if (action instanceof Action.GiveUp giveUp) {
      apply(Decisions.afterGiveUp(state, policy, giveUp.offers(), null, id()));
    }
  }

  private String id() {
    return "p" + (++ids);
  }
}
