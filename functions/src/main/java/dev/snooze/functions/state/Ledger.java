package dev.snooze.functions.state;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The exact count of GPU time, kept in the state document: what the budget and Status read, and
 * what `snooze plan` replays.
 *
 * <p>An offer is charged from the transaction that claims its wake to the one that claims its
 * sleep (or gives it up after a preemption), times the VMs it was asked for: the moments Snooze
 * resizes its MIG. Both ends are written in those same transactions, so a retried or concurrent
 * delivery, which either loses its transaction or finds the wake already claimed, can neither
 * count a second time nor lose time. An offer given up because it could get no VM (a stockout,
 * the capacity timeout, a MIG Compute refused) is charged nothing: no VM of it ran.
 *
 * <p>Closed time is kept per day of the operator's zone (a wake across midnight is split), the
 * newest {@value #DAYS_KEPT} days: a month's total and the day's never come from a truncated history.
 *
 * @param open the offers charged now: since when, and how many VMs
 * @param days closed time per local day, oldest first
 */
public record Ledger(List<Open> open, List<Day> days) {
  /** Two calendar months and then some: the current month's and the previous one's days. */
  public static final int DAYS_KEPT = 70;

  public static final Ledger EMPTY = new Ledger(List.of(), List.of());

  public Ledger {
    open = List.copyOf(open);
    days = List.copyOf(days);
  }

  /** An offer being charged since {@code since}, for {@code size} VMs. */
  public record Open(String mig, Instant since, int size) {
    public Open {
      Objects.requireNonNull(mig, "mig");
      Objects.requireNonNull(since, "since");
    }
  }

  /** The VM-milliseconds of each offer (by MIG) closed within one local day. */
  public record Day(LocalDate date, Map<String, Long> millis) {
    public Day {
      Objects.requireNonNull(date, "date");
      millis = Map.copyOf(millis);
    }
  }

  /** {@code mig} charged from {@code at} on for {@code size} VMs; unchanged if it is charged already. */
  public Ledger opened(String mig, Instant at, int size) {
    if (open.stream().anyMatch(o -> o.mig().equals(mig))) {
      return this;
    }
    List<Open> next = new ArrayList<>(open);
    next.add(new Open(mig, at, size));
    return new Ledger(next, days);
  }

  /** {@code mig}'s charge ends at {@code at}: its time goes to the days it fell on in {@code zone}. */
  public Ledger closed(String mig, Instant at, ZoneId zone) {
    Open charged = open.stream().filter(o -> o.mig().equals(mig)).findFirst().orElse(null);
    if (charged == null) {
      return this;
    }
    TreeMap<LocalDate, Map<String, Long>> byDay = new TreeMap<>();
    for (Day day : days) {
      byDay.put(day.date(), new LinkedHashMap<>(day.millis()));
    }
    split(charged, at, zone, (date, millis) -> byDay.computeIfAbsent(date, d -> new LinkedHashMap<>())
        .merge(mig, millis, Long::sum));
    while (byDay.size() > DAYS_KEPT) {
      byDay.pollFirstEntry();
    }
    List<Day> nextDays = new ArrayList<>();
    byDay.forEach((date, millis) -> nextDays.add(new Day(date, millis)));
    return new Ledger(open.stream().filter(o -> o != charged).toList(), nextDays);
  }

  /** {@code mig} charged for {@code size} VMs from {@code at} on (the time before at its old size); unchanged if not charged. */
  public Ledger resized(String mig, Instant at, int size, ZoneId zone) {
    Open charged = open.stream().filter(o -> o.mig().equals(mig)).findFirst().orElse(null);
    if (charged == null || charged.size() == size) {
      return this;
    }
    return closed(mig, at, zone).opened(mig, at, size);
  }

  /** Every charge ends at {@code at}. */
  public Ledger closedAll(Instant at, ZoneId zone) {
    Ledger next = this;
    for (Open charged : open) {
      next = next.closed(charged.mig(), at, zone);
    }
    return next;
  }

  /** {@code mig}'s charge is dropped: no VM of it ran. */
  public Ledger discarded(String mig) {
    return new Ledger(open.stream().filter(o -> !o.mig().equals(mig)).toList(), days);
  }

  /**
   * VM-milliseconds of each offer from the start of {@code from} to the end of {@code to} (local
   * days in {@code zone}), the open charges counted up to {@code now}.
   */
  public Map<String, Long> millis(LocalDate from, LocalDate to, Instant now, ZoneId zone) {
    Map<String, Long> total = new TreeMap<>();
    for (Day day : days) {
      if (!day.date().isBefore(from) && !day.date().isAfter(to)) {
        day.millis().forEach((mig, millis) -> total.merge(mig, millis, Long::sum));
      }
    }
    for (Open charged : open) {
      split(charged, now, zone, (date, millis) -> {
        if (!date.isBefore(from) && !date.isAfter(to)) {
          total.merge(charged.mig(), millis, Long::sum);
        }
      });
    }
    return total;
  }

  /** How many VMs are charged now: the rate at which the ledger grows. */
  public int chargedSize() {
    return open.stream().mapToInt(Open::size).sum();
  }

  private interface DayShare {
    void add(LocalDate date, long millis);
  }

  /** {@code charged}'s time until {@code end}, cut at each midnight of {@code zone}, times its size. */
  private static void split(Open charged, Instant end, ZoneId zone, DayShare share) {
    Instant from = charged.since();
    while (from.isBefore(end)) {
      LocalDate date = LocalDate.ofInstant(from, zone);
      Instant midnight = date.plusDays(1).atStartOfDay(zone).toInstant();
      Instant to = midnight.isBefore(end) ? midnight : end;
      share.add(date, Duration.between(from, to).toMillis() * charged.size());
      from = to;
    }
  }
}
