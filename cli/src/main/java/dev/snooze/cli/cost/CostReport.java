package dev.snooze.cli.cost;

import dev.snooze.cli.cost.Bill.AwakeOffer;
import dev.snooze.cli.cost.Bill.Line;
import dev.snooze.cli.cost.Deployment.SleepMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code snooze cost}'s text: the deployment, the month asleep line by line, each offer's hour awake. */
final class CostReport {
  /** Regions where Google's free tier includes one e2-micro a billing account. */
  private static final Set<String> FREE_E2_MICRO_REGIONS = Set.of("us-west1", "us-central1", "us-east1");

  private CostReport() {}

  static List<String> lines(Bill bill, List<Double> hoursAwake) {
    Deployment d = bill.deployment();
    PriceTable prices = bill.prices();
    String cur = prices.currency;
    List<String> out = new ArrayList<>();
    out.add("snooze cost: " + d.sources());
    out.add("prices: " + prices.describe() + "; " + cur + " list prices, no discounts or taxes (sources below)");
    out.add("deployment: region " + d.region() + "; frontend " + d.frontendMachineType() + "; sleep_mode "
        + d.sleepMode().name().toLowerCase(Locale.ROOT) + "; desired_size " + d.desiredSize() + ", max_size "
        + d.maxSize() + "; GPU offers: " + d.offers().stream().map(o -> o.name() + " (" + o.describe() + ")")
            .collect(Collectors.joining(", ")));
    out.add("");
    out.add("Asleep: billed every month, " + prices.hoursPerMonth + " h, whether or not a GPU wakes");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"part", "unit price", "quantity", cur + "/month"});
    boolean anyUnconfirmed = false;
    for (Line line : bill.asleep()) {
      anyUnconfirmed |= line.unconfirmed();
      rows.add(new String[] {line.part() + (line.unconfirmed() ? " *" : ""), price(line.unitPrice()) + " " + line.unit(),
          quantity(line.quantity()) + " " + line.quantityUnit(), money(line.monthly())});
    }
    rows.add(new String[] {"total", "", "", money(bill.asleepTotal())});
    out.addAll(table(rows, 1));
    if (anyUnconfirmed) {
      out.addAll(wrap("* a price the table marks unconfirmed: Google's page bills the internal Application Load "
          + "Balancer per proxy instance; its price and how many an idle one keeps were not confirmed (one assumed)"));
    }
    if (d.sleepMode() == SleepMode.STOP && d.maxSize() > d.desiredSize()) {
      out.addAll(wrap(String.format(Locale.ROOT, "stop mode keeps the disk of every VM awake when it slept: after a "
          + "scale-out, up to max_size %d disks, %s a month instead of the %d above", d.maxSize(),
          money(bill.stoppedDisksAtMax()), d.desiredSize())));
    }
    out.addAll(wrap("not in the total: Cloud Scheduler (1 job; 3 free per billing account), the functions (no minimum "
        + "instances; a sleep check a minute is ~44,000 requests a month, within Cloud Run's free 2 M), Firestore and "
        + "Pub/Sub (free tiers), Artifact Registry (0.5 GB free, then 0.10/GB-month), the functions' source bucket "
        + "(a few MB), the managed certificate and IAP (no charge); traffic is billed per GiB (load balancer and NAT "
        + "data processing, internet egress)"));
    if (d.frontendMachineType().equals("e2-micro") && FREE_E2_MICRO_REGIONS.contains(d.region())) {
      out.addAll(wrap("an e2-micro frontend in " + d.region() + " may be free: Google's free tier covers one e2-micro "
          + "per billing account there (its free 30 GB-month is pd-standard, not this pd-balanced disk)"));
    }
    out.add("");

    out.add("Awake: per hour on top, each GPU offer (one VM: machine, GPUs, "
        + (d.sleepMode() == SleepMode.DELETE ? "its disk while it exists, " : "") + "its Cloud NAT share)");
    rows = new ArrayList<>();
    boolean scales = d.maxSize() > d.desiredSize();
    List<String> header = new ArrayList<>(List.of("offer", "per VM", "at desired_size " + d.desiredSize()));
    if (scales) {
      header.add("at max_size " + d.maxSize());
    }
    rows.add(header.toArray(String[]::new));
    for (AwakeOffer offer : bill.awake()) {
      String parts = price(offer.machine()) + " machine"
          + (offer.gpus() > 0 ? " + " + price(offer.gpus()) + " GPU" + (offer.offer().gpuCount() == 1 ? "" : "s")
              : " (GPU included)")
          + (offer.disk() > 0 ? " + " + price(offer.disk()) + " disk" : "")
          + (offer.nat() > 0 ? " + " + price(offer.nat()) + " NAT" : "");
      List<String> row = new ArrayList<>(List.of(offer.offer().name() + ": " + offer.offer().describe(),
          price(offer.perVm()) + " /h = " + parts, money(offer.perVm() * d.desiredSize()) + " /h"));
      if (scales) {
        row.add(money(offer.perVm() * d.maxSize()) + " /h");
      }
      rows.add(row.toArray(String[]::new));
    }
    out.addAll(table(rows, 0));
    for (double hours : hoursAwake) {
      double added = bill.awakeHours(hours);
      out.add(String.format(Locale.ROOT, "  %s h awake a month on %s at desired_size %d: + %s = %s %s a month",
          quantity(hours), bill.awake().get(0).offer().name(), d.desiredSize(), money(added),
          money(bill.asleepTotal() + added), cur));
    }
    out.add("");
    out.add("Price table: " + prices.describe() + ", from:");
    prices.sources.forEach(s -> out.addAll(wrap("- " + s.what() + " <" + s.url() + ">")));
    return out;
  }

  /** A note in lines of at most 100 characters, indented under the table. */
  private static List<String> wrap(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder("  ");
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + 1 > 100 && line.toString().strip().length() > 0) {
        lines.add(line.toString().stripTrailing());
        line = new StringBuilder("    ");
      }
      line.append(word).append(' ');
    }
    lines.add(line.toString().stripTrailing());
    return lines;
  }

  /** Columns two spaces apart, figures right-aligned; {@code totalRows} last rows after a rule. */
  private static List<String> table(List<String[]> rows, int totalRows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      if (totalRows > 0 && r == rows.size() - totalRows) {
        lines.add("  " + "-".repeat(java.util.Arrays.stream(width).sum() + 2 * (columns - 1)));
      }
      StringBuilder line = new StringBuilder("  ");
      for (int c = 0; c < columns; c++) {
        String cell = rows.get(r)[c];
        boolean right = c > 0 && r > 0;
        line.append(right ? " ".repeat(width[c] - cell.length()) + cell : cell + " ".repeat(width[c] - cell.length()));
        if (c < columns - 1) {
          line.append("  ");
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  static String money(double amount) {
    return String.format(Locale.ROOT, "%.2f", amount);
  }

  /** Unit prices to 4 significant decimals at least: 0.0167, 0.0014, 0.10. */
  static String price(double amount) {
    if (amount == 0) {
      return "0";
    }
    String text = String.format(Locale.ROOT, amount >= 0.1 ? "%.4f" : "%.5f", amount);
    text = text.replaceAll("0+$", "");
    return text.endsWith(".") ? text + "00" : text.matches(".*\\.\\d$") ? text + "0" : text;
  }

  static String quantity(double amount) {
    return amount == Math.rint(amount) ? String.format(Locale.ROOT, "%,d", (long) amount)
        : String.format(Locale.ROOT, "%,.1f", amount);
  }
}
