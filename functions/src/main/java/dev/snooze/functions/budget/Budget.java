package dev.snooze.functions.budget;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operator's GPU budget: caps in GPU hours and money per day and per calendar month, counted in
 * {@code zone} from the exact ledger ({@link Ledger}). Once a cap is reached nothing wakes the GPU
 * until the period ends; an awake GPU sleeps as soon as no request is in flight, or {@code grace}
 * after the cap was reached if requests keep coming.
 *
 * @param zone the operator's time zone: days and months begin at its midnight
 * @param caps none, one or several (any reached is enough)
 * @param hourlyPrices the price of one hour of one VM of each offer, by MIG name; every offer needs one
 *     when a money cap is set
 * @param grace how long an awake GPU may go on serving requests in flight after a cap is reached
 */
public record Budget(ZoneId zone, List<Cap> caps, Map<String, Double> hourlyPrices, Duration grace) {

  /** The default of {@code SNOOZE_BUDGET_GRACE}: long enough for a long generation to finish. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);

  /** No caps: the ledger is kept and shown, nothing is ever refused. */
  public static final Budget NONE = new Budget(ZoneOffset.UTC, List.of(), Map.of(), DEFAULT_GRACE);

  public enum Period {
    DAY, MONTH;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Unit {
    GPU_HOURS, MONEY;

    public String wire() {
      return this == GPU_HOURS ? "gpu-hours" : "money";
    }
  }

  /** At most {@code limit} (GPU hours, or money in the prices' currency) per {@code period}. */
  public record Cap(Period period, Unit unit, double limit) {
    public Cap {
      if (!(limit >= 0) || Double.isInfinite(limit)) {
        throw new IllegalArgumentException("a budget cap must be a number of 0 or more, got " + limit);
      }
    }

    /** {@code 8 GPU hours per day}, {@code 50.00 per month}: as logs, Status and the page say it. */
    @Override
    public String toString() {
      String amount = unit == Unit.GPU_HOURS
          ? strip(limit) + " GPU hour" + (limit == 1 ? "" : "s")
          : String.format(Locale.ROOT, "%.2f", limit);
      return amount + " per " + period.wire();
    }
  }

  public Budget {
    caps = List.copyOf(caps);
    hourlyPrices = Map.copyOf(new LinkedHashMap<>(hourlyPrices));
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the grace period must not be negative, got " + grace);
    }
    for (Map.Entry<String, Double> price : hourlyPrices.entrySet()) {
      if (!(price.getValue() >= 0) || Double.isInfinite(price.getValue())) {
        throw new IllegalArgumentException("the price of " + price.getKey() + " must be a number of 0 or more, got "
            + price.getValue());
      }
    }
  }

  public boolean capped() {
    return !caps.isEmpty();
  }

  /** The same budget with these caps. */
  public Budget withCaps(List<Cap> value) {
    return new Budget(zone, value, hourlyPrices, grace);
  }

  /** Whether every one of {@code migs} has a price: money can be counted. */
  public boolean priced(List<String> migs) {
    return hourlyPrices.keySet().containsAll(migs);
  }

  /**
   * Reads {@code mig=price,mig=price} ({@code SNOOZE_GPU_PRICES}); blank is none.
   *
   * @throws IllegalArgumentException naming the entry that is wrong
   */
  public static Map<String, Double> parsePrices(String text) {
    Map<String, Double> prices = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return prices;
    }
    for (String entry : text.split(",", -1)) {
      String[] parts = entry.trim().split("=", -1);
      if (parts.length != 2 || parts[0].isBlank()) {
        throw new IllegalArgumentException("entry '" + entry.trim() + "' is not MIG=PRICE (e.g. snooze-gpu=0.71)");
      }
      double price;
      try {
        price = Double.parseDouble(parts[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the price '" + parts[1].trim() + "' of " + parts[0].trim()
            + " is not a number (e.g. 0.71)");
      }
      if (!(price >= 0) || Double.isInfinite(price)) {
        throw new IllegalArgumentException("the price of " + parts[0].trim() + " must be 0 or more, got " + parts[1].trim());
      }
      if (prices.put(parts[0].trim(), price) != null) {
        throw new IllegalArgumentException(parts[0].trim() + " is priced twice");
      }
    }
    return prices;
  }

  /** Caps as the operator gave them: null or blank is no cap. */
  public static List<Cap> caps(Double hoursPerDay, Double hoursPerMonth, Double moneyPerDay, Double moneyPerMonth) {
    List<Cap> caps = new ArrayList<>();
    if (hoursPerDay != null) {
      caps.add(new Cap(Period.DAY, Unit.GPU_HOURS, hoursPerDay));
    }
    if (hoursPerMonth != null) {
      caps.add(new Cap(Period.MONTH, Unit.GPU_HOURS, hoursPerMonth));
    }
    if (moneyPerDay != null) {
      caps.add(new Cap(Period.DAY, Unit.MONEY, moneyPerDay));
    }
    if (moneyPerMonth != null) {
      caps.add(new Cap(Period.MONTH, Unit.MONEY, moneyPerMonth));
    }
    return caps;
  }

  static String strip(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
