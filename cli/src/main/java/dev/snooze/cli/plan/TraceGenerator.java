package dev.snooze.cli.plan;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The synthetic request logs shipped in {@code cli/traces/} (see its README), and the large log
 * of the P8 benchmark; seeded, so every run writes the same bytes.
 *
 * <pre>
 * java -cp cli/target/snooze.jar dev.snooze.cli.plan.TraceGenerator cli/traces
 * java -cp cli/target/snooze.jar dev.snooze.cli.plan.TraceGenerator --bench 1000000 bench/target/p8/requests.log
 * </pre>
 *
 * <ul>
 *   <li>{@code office-hours.jsonl}: a team of about a dozen in Warsaw, three weeks from Monday
 *       2026-11-02, in the frontend's request-log format. On workdays people open sessions mostly
 *       10:00-12:00 and 13:00-16:00 local time (fewer from 08:00 and until 19:00, a rare evening
 *       one), each a burst of prompts a minute or two apart; a session now and then at weekends.
 *   <li>{@code weekly-demo.txt}: a demo every Thursday at 16:00 Warsaw time (45 minutes of
 *       prompts), a rehearsal on the Wednesday afternoon, and a stray prompt or two a week; four
 *       weeks, one ISO-8601 timestamp (with its +01:00 offset) a line.
 *   <li>{@code steady-trickle.txt}: an integration calling the model at random around the clock,
 *       one request every 25 minutes on average; two weeks, epoch seconds a line.
 * </ul>
 */
public final class TraceGenerator {
  static final LocalDate START = LocalDate.of(2026, 11, 2); // a Monday
  static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);

  /**
   * Sessions started per hour of a workday (local time), for a team whose day has a morning and an
   * afternoon peak and a lunch dip; index 0 is 00:00-01:00.
   */
  private static final double[] WORKDAY = {0, 0, 0, 0, 0, 0, 0, 0.1, 0.8, 1.8, 3.2, 3.0, 1.2, 2.4, 3.0, 2.6, 1.6,
      0.8, 0.4, 0.15, 0.1, 0.05, 0, 0};

  private TraceGenerator() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    if (args.length == 3 && args[0].equals("--bench")) {
      int requests = Integer.parseInt(args[1]);
      Path file = Path.of(args[2]);
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      bench(requests, file);
      out.println("wrote " + file + " (" + requests + " requests)");
      return;
    }
    if (args.length != 1) {
      System.err.println("usage: TraceGenerator DIR | --bench REQUESTS FILE");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (String name : new String[] {"office-hours.jsonl", "weekly-demo.txt", "steady-trickle.txt"}) {
      Path file = dir.resolve(name);
      switch (name) {
        case "office-hours.jsonl" -> officeHours(file);
        case "weekly-demo.txt" -> weeklyDemo(file);
        default -> steadyTrickle(file);
      }
      out.println("wrote " + file + " (" + Files.size(file) + " bytes)");
    }
  }

  /** The office-hours trace: three weeks of a team of about a dozen. */
  static void officeHours(Path file) throws IOException {
    Requests.Builder requests = new Requests.Builder();
    sessions(new SplittableRandom(20261102L), 21, 1.0, requests);
    writeFrontendLog(file, requests.build(), new SplittableRandom(7));
  }

  /** The P8 benchmark's log: the office-hours shape over four weeks, with as many people as {@code count} requests take. */
  static void bench(int count, Path file) throws IOException {
    Requests.Builder requests = new Requests.Builder();
    // About 7.5 requests a session and 21 sessions a workday for a scale of 1: 20 workdays give a
    // little more than 3,000 requests, of which `count` are chosen below.
    double scale = count / (20 * 20 * 7.5);
    SplittableRandom random = new SplittableRandom(8);
    sessions(random, 28, scale, requests);
    Requests all = requests.build();
    // Exactly `count`, spread over the whole four weeks: a random choice of them (Knuth's selection
    // sampling), or, should there be too few, some repeated a little later in their session.
    Requests.Builder exact = new Requests.Builder();
    int needed = count;
    for (int i = 0; i < all.size() && needed > 0; i++) {
      if (random.nextInt(all.size() - i) < needed) {
        exact.add(all.start(i), all.duration(i));
        needed--;
      }
    }
    for (; needed > 0; needed--) {
      int j = random.nextInt(all.size());
      exact.add(all.start(j) + 1 + random.nextInt(60_000), all.duration(j));
    }
    writeFrontendLog(file, exact.build(), new SplittableRandom(9));
  }

  /**
   * Sessions of a team: each starts at a random moment of its hour (Poisson, {@link #WORKDAY}'s
   * rate times {@code scale} on workdays, a tenth of the midday rate at weekends), and is a burst of
   * prompts a minute or two apart.
   */
  private static void sessions(SplittableRandom random, int days, double scale, Requests.Builder requests) {
    for (int d = 0; d < days; d++) {
      LocalDate date = START.plusDays(d);
      boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
      for (int hour = 0; hour < 24; hour++) {
        double rate = (weekend ? (hour >= 10 && hour < 18 ? 0.05 : 0) : WORKDAY[hour]) * scale;
        long hourStart = date.atTime(hour, 0).atZone(WARSAW).toInstant().toEpochMilli();
        int sessions = poisson(random, rate);
        for (int s = 0; s < sessions; s++) {
          long at = hourStart + random.nextLong(3_600_000);
          int prompts = 1 + geometric(random, 6.5);
          for (int p = 0; p < prompts; p++) {
            requests.add(at, generation(random));
            at += 20_000 + (long) (random.nextDouble() * random.nextDouble() * 240_000);
          }
        }
      }
    }
  }

  /** Weekly demo: Thursdays 16:00 Warsaw, Wednesday rehearsals, a few stray prompts. */
  static void weeklyDemo(Path file) throws IOException {
    SplittableRandom random = new SplittableRandom(20261105L);
    Requests.Builder requests = new Requests.Builder();
    for (int week = 0; week < 4; week++) {
      LocalDate monday = START.plusWeeks(week);
      long demo = monday.plusDays(3).atTime(16, 0).atZone(WARSAW).toInstant().toEpochMilli();
      int prompts = 30 + random.nextInt(25);
      for (int p = 0; p < prompts; p++) {
        requests.add(demo + random.nextLong(45 * 60_000L), 0);
      }
      long rehearsal = monday.plusDays(2).atTime(14, 0).atZone(WARSAW).toInstant().toEpochMilli()
          + random.nextLong(2 * 3_600_000L);
      int tries = 6 + random.nextInt(8);
      for (int p = 0; p < tries; p++) {
        requests.add(rehearsal + random.nextLong(20 * 60_000L), 0);
      }
      int strays = 1 + random.nextInt(2);
      for (int p = 0; p < strays; p++) {
        LocalDate day = monday.plusDays(random.nextInt(5));
        requests.add(day.atTime(9 + random.nextInt(9), random.nextInt(60)).atZone(WARSAW).toInstant().toEpochMilli(), 0);
      }
    }
    Requests all = requests.build();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < all.size(); i++) {
        Instant at = Instant.ofEpochMilli(all.start(i) / 1000 * 1000);
        out.write(OFFSET.format(at.atZone(WARSAW)));
        out.write('\n');
      }
    }
  }

  /** Steady trickle: Poisson around the clock, one request every 25 minutes on average, two weeks. */
  static void steadyTrickle(Path file) throws IOException {
    SplittableRandom random = new SplittableRandom(20261106L);
    long at = START.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long end = at + 14 * 86_400_000L;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      while (true) {
        at += (long) (-Math.log(1 - random.nextDouble()) * 25 * 60_000);
        if (at >= end) {
          break;
        }
        out.write(String.format(Locale.ROOT, "%d.%03d\n", at / 1000, at % 1000));
      }
    }
  }

  /**
   * The frontend's request log: a line when each request ends (so in order of ends), in Cloud
   * Logging's shape with {@code httpRequest} as the frontend's {@code RequestLog} writes it (no
   * {@code held}: these are what users asked, not what a deployment made them wait), and a line now
   * and then that is no request (the frontend's own news), as its output has.
   */
  static void writeFrontendLog(Path file, Requests requests, SplittableRandom random) throws IOException {
    Requests.Builder byEnd = new Requests.Builder();
    for (int i = 0; i < requests.size(); i++) {
      byEnd.add(requests.start(i) + requests.duration(i), requests.duration(i));
    }
    Requests ends = byEnd.build(); // sorted by end: `start` here is the end
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      StringBuilder line = new StringBuilder(256);
      if (ends.size() > 0) {
        line.append("{\"severity\":\"INFO\",\"message\":\"frontend listening\",\"time\":\"")
            .append(Instant.ofEpochMilli(ends.start(0) - 3_600_000L)).append("\",\"component\":\"server\",\"port\":8080}\n");
      }
      for (int i = 0; i < ends.size(); i++) {
        long end = ends.start(i);
        long latency = ends.duration(i);
        int kind = random.nextInt(20);
        String method = kind == 0 ? "GET" : "POST";
        String url = kind == 0 ? "/api/tags" : kind < 4 ? "/v1/chat/completions" : kind < 8 ? "/api/chat" : "/api/generate";
        if (kind == 0) {
          latency = Math.min(latency, 15);
        }
        // The frontend's RequestLog line (frontend/…/proxy/RequestLog.java), field for field.
        line.append("{\"severity\":\"INFO\",\"message\":\"").append(method).append(' ').append(url)
            .append(" 200\",\"time\":\"");
        appendInstant(line, end);
        line.append("\",\"component\":\"frontend.request\",\"httpRequest\":{\"requestMethod\":\"").append(method)
            .append("\",\"requestUrl\":\"").append(url).append("\",\"status\":200,\"responseSize\":\"")
            .append(kind == 0 ? 412 : 200 + random.nextInt(6000)).append("\",\"latency\":\"")
            .append(latency / 1000).append('.');
        appendPadded(line, latency % 1000, 3);
        line.append("s\",\"remoteIp\":\"203.0.113.").append(1 + i % 12).append("\"},\"outcome\":\"answered\"}\n");
        out.append(line);
        line.setLength(0);
        if (random.nextInt(500) == 0) {
          out.write("{\"severity\":\"INFO\",\"message\":\"Activity publisher idle\",\"time\":\"" + Instant.ofEpochMilli(end)
              + "\",\"component\":\"activity\",\"sent\":" + i + "}\n");
        }
      }
    }
  }

  /** {@code 2026-11-02T09:15:01.234Z}, always with milliseconds, as the frontend's log writes it. */
  private static void appendInstant(StringBuilder line, long epochMillis) {
    String text = Instant.ofEpochMilli(epochMillis - epochMillis % 1000).toString(); // ...:SSZ
    line.append(text, 0, text.length() - 1).append('.');
    appendPadded(line, epochMillis % 1000, 3);
    line.append('Z');
  }

  private static void appendPadded(StringBuilder line, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      line.append('0');
    }
    line.append(digits);
  }

  /** How long a generation takes: 1-40 s, most around 5 s (a product of uniforms leans short). */
  private static long generation(SplittableRandom random) {
    return 1000 + (long) (random.nextDouble() * random.nextDouble() * 39_000);
  }

  private static int poisson(SplittableRandom random, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 30) {
      return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * gaussian(random)));
    }
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= random.nextDouble();
      n++;
    }
    return n;
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** A count of 0 or more with the given mean. */
  private static int geometric(SplittableRandom random, double mean) {
    double p = 1 / (1 + mean);
    return (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - p));
  }
}
