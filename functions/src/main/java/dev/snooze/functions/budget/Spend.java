package dev.snooze.functions.budget;

import dev.snooze.functions.state.Ledger;
import dev.snooze.functions.state.SnoozeState.Billing;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What has been spent today and this month, against each cap: a pure function of the ledger, the
 * newest billing notification, the budget and the time. Decisions refuse wakes and sleep the GPU on
 * {@link #exhausted()}; Status shows the rest.
 *
 * @param day today in the budget's zone
 * @param dayMillis VM-milliseconds per offer today
 * @param monthMillis VM-milliseconds per offer this month
 * @param costToday null when an offer with time has no price
 * @param caps each cap with its use
 * @param exhausted why no wake may happen now; null while within every cap
 */
public record Spend(
    LocalDate day,
    YearMonth month,
    Map<String, Long> dayMillis,
    Map<String, Long> monthMillis,
    Double costToday,
    Double costThisMonth,
    List<CapUse> caps,
    Exhausted exhausted) {

  private static final double MILLIS_PER_HOUR = 3_600_000.0;
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

  /** One cap and how much of it is used (GPU hours, or money). */
  public record CapUse(Budget.Cap cap, double used, Instant resetsAt) {
    public boolean reached() {
      return used >= cap.limit();
    }
  }

  /**
   * @param reason what is used up and when it resets, in words
   * @param resetsAt when a wake may happen again
   * @param reachedAt when the cap was reached (the grace for requests in flight counts from it)
   */
  public record Exhausted(String reason, Instant resetsAt, Instant reachedAt) {}

  public static Spend of(Budget budget, Ledger ledger, Billing billing, Instant now) {
    LocalDate day = LocalDate.ofInstant(now, budget.zone());
    YearMonth month = YearMonth.from(day);
    Map<String, Long> dayMillis = ledger.millis(day, day, now, budget.zone());
    Map<String, Long> monthMillis = ledger.millis(month.atDay(1), month.atEndOfMonth(), now, budget.zone());
    Double costToday = cost(budget, dayMillis);
    Double costMonth = cost(budget, monthMillis);
    double hoursRate = ledger.chargedSize() / MILLIS_PER_HOUR;
    Double moneyRate = cost(budget, ledger.open().stream()
        .collect(java.util.stream.Collectors.toMap(Ledger.Open::mig, o -> (long) o.size(), Long::sum)));

    List<CapUse> uses = new ArrayList<>();
    Exhausted exhausted = null;
    for (Budget.Cap cap : budget.caps()) {
      boolean daily = cap.period() == Budget.Period.DAY;
      Map<String, Long> millis = daily ? dayMillis : monthMillis;
      LocalDate periodStart = daily ? day : month.atDay(1);
      LocalDate next = daily ? day.plusDays(1) : month.plusMonths(1).atDay(1);
      Instant resetsAt = next.atStartOfDay(budget.zone()).toInstant();
      double used;
      double rate; // units per millisecond now
      if (cap.unit() == Budget.Unit.GPU_HOURS) {
        used = millis.values().stream().mapToLong(Long::longValue).sum() / MILLIS_PER_HOUR;
        rate = hoursRate;
      } else {
        Double cost = daily ? costToday : costMonth;
        used = cost == null ? 0 : cost; // configuration guarantees prices for money caps
        rate = moneyRate == null ? 0 : moneyRate;
      }
      CapUse use = new CapUse(cap, used, resetsAt);
      uses.add(use);
      if (use.reached() && (exhausted == null || resetsAt.isAfter(exhausted.resetsAt()))) {
        Instant reachedAt = now;
        if (rate > 0) {
          reachedAt = now.minusMillis((long) Math.ceil((used - cap.limit()) / rate));
          Instant start = periodStart.atStartOfDay(budget.zone()).toInstant();
          if (reachedAt.isBefore(start)) {
            reachedAt = start;
          }
        }
        exhausted = new Exhausted("the budget of " + cap + " is used up (" + amount(cap.unit(), used)
            + "); it resets at " + WHEN.format(resetsAt.atZone(budget.zone())) + " " + budget.zone().getId(),
            resetsAt, reachedAt);
      }
    }
    Exhausted fromBilling = billing(billing, now);
    if (fromBilling != null && (exhausted == null || fromBilling.resetsAt().isAfter(exhausted.resetsAt()))) {
      exhausted = fromBilling;
    }
    return new Spend(day, month, dayMillis, monthMillis, costToday, costMonth, uses, exhausted);
  }

  /**
   * The billing budget's cost reached its amount in the period that has not ended yet. Billing
   * budgets are monthly by default and start at midnight Pacific time, so the period ends a calendar
   * month after {@code intervalStart}; a newer notification of the next period replaces this one sooner.
   */
  private static Exhausted billing(Billing billing, Instant now) {
    if (billing == null || billing.budgetAmount() <= 0 || billing.costAmount() < billing.budgetAmount()
        || billing.intervalStart() == null) {
      return null;
    }
    Instant resetsAt = ZonedDateTime.ofInstant(billing.intervalStart(), ZoneOffset.UTC).plusMonths(1).toInstant();
    if (!now.isBefore(resetsAt)) {
      return null;
    }
    return new Exhausted("the Cloud Billing budget " + (billing.budget() == null ? "" : "'" + billing.budget() + "' ")
        + "is used up: " + String.format(Locale.ROOT, "%.2f of %.2f %s", billing.costAmount(), billing.budgetAmount(),
            billing.currency() == null ? "" : billing.currency()).trim()
        + " billed since " + billing.intervalStart() + "; it resets at " + WHEN.format(resetsAt.atZone(ZoneOffset.UTC))
        + " UTC", resetsAt, billing.at());
  }

  /** The price of {@code millis} VM-milliseconds per offer; null if one with time has no price. */
  private static Double cost(Budget budget, Map<String, Long> millis) {
    double total = 0;
    for (Map.Entry<String, Long> entry : millis.entrySet()) {
      if (entry.getValue() == 0) {
        continue;
      }
      Double price = budget.hourlyPrices().get(entry.getKey());
      if (price == null) {
        return null;
      }
      total += entry.getValue() / MILLIS_PER_HOUR * price;
    }
    return total;
  }

  private static String amount(Budget.Unit unit, double used) {
    // Two decimals, or three significant digits below 1 (a test's cap of a few seconds reads 0.00150).
    String amount = String.format(Locale.ROOT, used >= 1 || used == 0 ? "%.2f" : "%.3g", used);
    return unit == Budget.Unit.GPU_HOURS ? amount + " GPU hours" : amount + " spent";
  }

  /** Seconds of {@code millis}, summed. */
  public static long seconds(Map<String, Long> millis) {
    return Duration.ofMillis(millis.values().stream().mapToLong(Long::longValue).sum()).toSeconds();
  }
}
