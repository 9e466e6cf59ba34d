package dev.snooze.cli.plan;

import static dev.snooze.cli.plan.Plans.command;
import static dev.snooze.cli.plan.Plans.log;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snooze.cli.plan.Plans.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
  @TempDir
  Path dir;

  /** Two requests 40 minutes apart: 20 GPU minutes each with the defaults (ReplayTest). */
  Path twoRequests() {
    return log(dir, "two.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:40:00Z");
  }

  /** The table's row of setting {@code number}, by header: cells are two or more spaces apart. */
  static Map<String, String> row(String out, int number) {
    List<String> lines = out.lines().toList();
    int header = 0;
    while (!lines.get(header).strip().startsWith("#  ")) {
      header++;
    }
    String[] headers = lines.get(header).strip().split("\\s{2,}");
    String[] cells = lines.get(header + number).replace("<- recommended", "").strip().split("\\s{2,}");
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i++) {
      row.put(headers[i], cells[i]);
    }
    return row;
  }

  @Test
  void theTableSaysGpuHoursCostWakesColdStartsAndWaitsPerSetting() {
    Run run = command(twoRequests().toString(), "--idle", "15m,1h", "--price", "0.75", "--quiet");

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    // Idle 1h: 10:00 wakes it, the 10:40 request finds it awake; sleep at the first check from
    // 10:40 + 1h0m10s: 11:41. 101 minutes: 1.68 h, 1.26 at 0.75.
    assertThat(row(run.out(), 1)).containsExactly(Map.entry("#", "1"), Map.entry("idle", "15m"),
        Map.entry("sleep", "delete"), Map.entry("warm windows", "none"), Map.entry("budget", "none"),
        Map.entry("GPU h", "0.7"), Map.entry("GPU h/day", "0.67"), Map.entry("cost", "0.50"),
        Map.entry("wakes", "2"), Map.entry("cold starts", "2"), Map.entry("cold %", "100.0%"),
        Map.entry("wait p50", "4m"), Map.entry("wait p95", "4m"), Map.entry("cold p50", "4m"),
        Map.entry("cold p95", "4m"), Map.entry("timed out", "0"));
    assertThat(row(run.out(), 2)).containsEntry("idle", "1h").containsEntry("GPU h", "1.7").containsEntry("cost", "1.26")
        .containsEntry("wakes", "1").containsEntry("cold starts", "1").containsEntry("cold %", "50.0%")
        .containsEntry("wait p50", "0s").containsEntry("wait p95", "4m");
    assertThat(run.out()).contains("snooze plan: 2 requests from " + twoRequests() + " (0 bad lines skipped)",
        "period: 2026-12-03 00:00 to 2026-12-04 00:00 UTC (1.0 days); checks every 1m; wake delete 4m;"
            + " frontend hold 10m; price 0.75 per GPU VM hour");
  }

  @Test
  void theCheapestSettingMeetingTheGoalIsRecommended() {
    Run run = command(twoRequests().toString(), "--idle", "15m,1h", "--goal", "cold-starts<=50%", "--quiet");

    assertThat(run.out()).contains("goal: cold-starts<=50%\n",
        "recommended: #2 idle 1h, sleep mode delete (wake 4m), warm windows none, budget none\n",
        "  1.7 GPU hours (1.68 a day), 1 wake, cold starts 1 (50.0%), wait p95 4m; the cheapest setting with"
            + " cold-starts<=50%\n");
    assertThat(run.out().lines().filter(l -> l.endsWith("<- recommended"))).singleElement()
        .satisfies(l -> assertThat(l.strip()).startsWith("2  1h"));
  }

  @Test
  void whenNoSettingMeetsTheGoalsThePlanSaysSoAndNamesTheClosest() {
    Run run = command(twoRequests().toString(), "--idle", "15m,1h", "--goal", "cold-starts<=10%,wait-p95<=1m",
        "--quiet");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("no setting meets cold-starts<=10% and wait-p95<=1m. Closest: #2 idle 1h",
        "cold-starts<=10% (50.0%: missed), wait-p95<=1m (4m: missed)");
  }

  @Test
  void withoutAGoalTheDefaultIsSaid() {
    Run run = command(twoRequests().toString(), "--quiet");

    assertThat(run.out()).contains("goal: cold-starts<=5% (the default; give yours with --goal)");
  }

  @Test
  void aLogWithBadLinesStillPlansTheRestAndSaysHowManyWereSkipped() {
    Path file = log(dir, "bad.txt", "2026-12-03T10:00:00Z", "noon", "2026-12-03T10:40:00", "2026-12-03T10:40:00Z");

    Run run = command(file.toString(), "--quiet");

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEqualTo("snooze plan: skipped 2 bad lines of 4; planning the rest:\n"
        + "  " + file + " line 2: 'noon' is not ISO-8601 with an offset (e.g. 2026-12-03T10:00:05.123Z) or epoch"
        + " seconds (e.g. 1796292005.123)\n"
        + "  " + file + " line 3: '2026-12-03T10:40:00' is not a timestamp with an offset: add Z (UTC) or the"
        + " zone's offset, e.g. 2026-12-03T10:00:05Z or 2026-12-03T11:00:05+01:00\n");
    assertThat(run.out()).contains("snooze plan: 2 requests from " + file + " (2 bad lines skipped)");
    assertThat(row(run.out(), 1)).containsEntry("wakes", "2");
  }

  @Test
  void moreBadLinesThanAreNamedAreCounted() {
    String[] lines = new String[12];
    Arrays.fill(lines, "nonsense");
    lines[11] = "2026-12-03T10:00:00Z";

    Run run = command(log(dir, "worse.txt", lines).toString(), "--quiet");

    assertThat(run.err()).contains("skipped 11 bad lines of 12", "line 5: 'nonsense'", "  … and 6 more\n")
        .doesNotContain("line 6:");
  }

  @Test
  void readOnlySaysWhatTheLogHoldsAndReplaysNothing() {
    Path file = log(dir, "check.txt", "2026-12-03T10:40:00Z", "noon", "2026-12-03T10:00:00Z");

    Run run = command(file.toString(), "--read-only", "--quiet");

    assertThat(run.exit()).isZero();
    assertThat(run.err()).contains("line 2: 'noon'");
    assertThat(run.out()).startsWith("snooze plan: 2 requests from " + file + " (1 bad line skipped)\n"
        + "requests from 2026-12-03T10:00:00Z to 2026-12-03T10:40:00Z; read in ").doesNotContain("GPU h");
  }

  @Test
  void aLogWithoutRequestsIsRefused() {
    Path file = log(dir, "nothing.log", "{\"severity\":\"INFO\",\"message\":\"frontend listening\"}");

    Run run = command(file.toString(), "--quiet");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("snooze plan: no requests in " + file + ": 0 requests from " + file
        + " (1 other log line, 0 bad lines skipped); nothing to plan\n");
  }

  @Test
  void aMissingLogIsExitCode2WithItsName() {
    Run run = command(dir.resolve("missing.log").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("snooze plan: " + dir.resolve("missing.log") + ": no such file\n");
  }

  @Test
  void badUsageIsExitCode2WithWhatToFix() {
    String log = twoRequests().toString();
    assertThat(command()).isEqualTo(new Run(2, "",
        "snooze plan: no request log given: java -jar snooze.jar plan [options] LOG... (plan --help)\n"));
    assertThat(command(log, "--idel", "5m").err()).isEqualTo("snooze plan: unknown option --idel (plan --help lists them)\n");
    assertThat(command(log, "--idle", "5 minutes").err()).startsWith("snooze plan: --idle: '5 minutes' is not a duration");
    assertThat(command(log, "--idle", "5s").err())
        .isEqualTo("snooze plan: --idle 5s must be longer than the activity granularity (10s, SNOOZE_ACTIVITY_GRANULARITY)\n");
    assertThat(command(log, "--sleep-mode", "hibernate").err())
        .isEqualTo("snooze plan: --sleep-mode: 'hibernate' is not a sleep mode: delete or stop\n");
    assertThat(command(log, "--budget", "20/day").err())
        .isEqualTo("snooze plan: --budget 20/day is money: it needs --price (the price of one GPU VM hour)\n");
    assertThat(command(log, "--windows", "none|Weekdays 9-5").err())
        .startsWith("snooze plan: --windows, alternative 2 ('Weekdays 9-5'): window 1: 'Weekdays 9-5' is not a warm window");
    assertThat(command(log, "--goal", "cheap").err()).startsWith("snooze plan: --goal: goal 'cheap' is not METRIC<=LIMIT");
    assertThat(command(log, "--set", "SNOOZE_IDLE_TIMEOUT=soon").err())
        .startsWith("snooze plan: the functions' settings (--set, --check-interval, --size): Invalid configuration:");
    assertThat(command(log, "--idle").exit()).isEqualTo(2);
  }

  @Test
  void helpListsTheOptions() {
    Run run = command("--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("usage: java -jar snooze.jar plan [options] LOG...", "--idle 5m,15m,30m",
        "--sleep-mode delete,stop", "--windows", "--budget", "--budget-hours-per-day", "--wake", "--price",
        "--check-interval", "--goal", "--out DIR", "--threads", "--quiet", "--read-only");
  }

  @Test
  void budgetsAreSweptAndReachThePolicy() throws Exception {
    PlanOptions options = PlanOptions.parse(new String[] {"x.log", "--budget", "none|8h/day,100h/month",
        "--budget-hours-per-day", "4", "--budget-money-per-month", "50", "--price", "0.7", "--budget-zone",
        "Europe/Warsaw"});

    List<Setting> settings = Sweep.settings(options, Sweep.basePolicy(options));

    assertThat(settings).extracting(s -> s.budget().label())
        .containsExactly("none", "8h/day,100h/month", "4h/day", "50/month");
    var budget = settings.get(1).policy().budget();
    assertThat(budget.caps()).extracting(Object::toString).containsExactly("8 GPU hours per day", "100 GPU hours per month");
    assertThat(budget.zone()).hasToString("Europe/Warsaw");
    assertThat(settings.get(3).policy().budget().hourlyPrices()).containsEntry("snooze-gpu", 0.7);
    assertThat(settings.get(0).policy().budget().capped()).isFalse();
  }

  @Test
  void theDeploymentsOwnSettingsAreTheDefaultsOfTheSweep() {
    Run run = command(twoRequests().toString(), "--set", "SNOOZE_IDLE_TIMEOUT=PT1H", "--set",
        "SNOOZE_WARM_WINDOWS=Sat 10:00-11:00 UTC", "--set", "SNOOZE_SLEEP_MODE=stop", "--quiet");

    assertThat(row(run.out(), 1)).containsEntry("idle", "1h").containsEntry("sleep", "stop")
        .containsEntry("warm windows", "Sat 10:00-11:00 UTC").containsEntry("wakes", "1");
  }

  @Test
  void theDeploymentsBudgetAndPricesAreTheDefaultsToo() {
    Run run = command(twoRequests().toString(), "--set", "SNOOZE_BUDGET_GPU_HOURS_PER_DAY=0.25", "--set",
        "SNOOZE_GPU_PRICES=snooze-gpu=2", "--quiet");

    // As ReplayTest's budget: 15 minutes charged, the 10:40 request refused; at 2 an hour, 0.50.
    assertThat(row(run.out(), 1)).containsEntry("budget", "0.25h/day").containsEntry("cost", "0.50")
        .containsEntry("over budget", "1");
    assertThat(run.out()).contains("price 2 per GPU VM hour",
        "; and over-budget<=0, as no goal allows requests refused for the budget (e.g. --goal over-budget<=1%)");
  }

  @Test
  void everyCombinationIsASetting() {
    Run run = command(twoRequests().toString(), "--idle", "5m,15m", "--sleep-mode", "delete,stop",
        "--windows", "none|Mon-Fri 09:00-17:30 Europe/Warsaw", "--budget-hours-per-day", "4,8", "--quiet");

    assertThat(run.out()).contains("replayed 16 settings");
    assertThat(row(run.out(), 16)).containsEntry("idle", "15m").containsEntry("sleep", "stop")
        .containsEntry("warm windows", "Mon-Fri 09:00-17:30 Europe/Warsaw").containsEntry("budget", "8h/day");
  }

  @Test
  void theSamePlanWhateverTheThreads() {
    String log = log(dir, "mixed.txt", "2026-12-03T10:00:00Z", "2026-12-03T10:00:30Z", "2026-12-03T11:02:00Z",
        "2026-12-03T11:30:00Z", "2026-12-04T08:00:00Z").toString();

    Run one = command(log, "--idle", "5m,15m,30m", "--sleep-mode", "delete,stop", "--threads", "1", "--quiet");
    Run two = command(log, "--idle", "5m,15m,30m", "--sleep-mode", "delete,stop", "--threads", "2", "--quiet");

    assertThat(withoutTiming(two.out())).isEqualTo(withoutTiming(one.out()));
  }

  static String withoutTiming(String out) {
    return out.replaceAll("replayed (\\d+) settings? in [0-9.]+ s", "replayed $1 settings");
  }

  @Test
  void outWritesThePlotAndTheReportWithEverySetting() throws Exception {
    Path bad = log(dir, "some-bad.txt", "2026-12-03T10:00:00Z", "noon", "2026-12-03T10:40:00Z");
    Path out = dir.resolve("report");

    Run run = command(bad.toString(), "--idle", "5m,15m,1h", "--sleep-mode", "delete,stop", "--price", "0.71",
        "--out", out.toString(), "--quiet");

    assertThat(run.out()).contains("wrote " + out.resolve("plan.svg") + ", " + out.resolve("report.html") + " and "
        + out.resolve("plan.csv"));
    List<String> csv = Files.readAllLines(out.resolve("plan.csv"));
    assertThat(csv).hasSize(7).first().isEqualTo(PlanCsv.HEADER);
    // #1: idle 5m, delete: the prompts 40 min apart each wake the GPU and wait the whole 4-minute wake.
    assertThat(csv.get(1)).startsWith("1,300,delete,240.0,none,none,2,2,");
    assertThat(csv.get(1).split(",")[10]).as("cold starts").isEqualTo("2");
    assertThat(csv.get(1).split(",")[15]).as("cold wait p95, seconds").isEqualTo("240.0");
    for (String row : csv.subList(1, 7)) {
      assertThat(Double.parseDouble(row.split(",")[8])).as("GPU seconds of " + row).isPositive();
    }
    String svg = Files.readString(out.resolve("plan.svg"));
    assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains("Cost vs cold starts",
        "goal &#8804; 5%", "recommended");
    for (int n = 1; n <= 6; n++) {
      assertThat(svg).contains("#" + n);
      assertThat(svg).contains("#" + n + " idle "); // in its point's tooltip
    }
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).startsWith("<!DOCTYPE html>").contains(svg, "<tr class=\"recommended\">",
        "Bad lines skipped: 1", bad + " line 2: &#39;noon&#39; is not ISO-8601", "2 requests from " + bad,
        "java -jar snooze.jar plan " + bad + " --idle 5m,15m,1h");
    assertThat(html.split("<tr").length - 2).isEqualTo(6); // a header row and a row per setting
    assertThat(html).doesNotContain("<script", "src=", "href=", "<link"); // self-contained
  }
}
