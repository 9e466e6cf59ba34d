package dev.snooze.bench.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code wrk} against one URL and reads its figures. */
final class Wrk {
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: (.*)");
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");

  /**
   * @param requestsPerSecond wrk's own rate
   * @param p50Millis median latency
   * @param p99Millis 99th percentile latency
   * @param requests completed requests
   * @param errors non-2xx answers and socket errors, described; empty when none
   */
  record Result(double requestsPerSecond, double p50Millis, double p99Millis, long requests, String errors) {
    String describe() {
      return String.format(Locale.ROOT, "%8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%s", requestsPerSecond, p50Millis,
          p99Millis, errors.isEmpty() ? "" : "  ERRORS: " + errors);
    }
  }

  private final int threads;
  private final int connections;

  Wrk(int threads, int connections) {
    this.threads = threads;
    this.connections = connections;
  }

  Result run(String url, Duration duration) {
    List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + duration.toSeconds() + "s",
        "--latency", url);
    String output;
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("wrk failed on " + url + ":\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run wrk (apt-get install -y wrk): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return parse(url, output);
  }

  static Result parse(String url, String output) {
    Matcher rate = RATE.matcher(output);
    Matcher total = TOTAL.matcher(output);
    if (!rate.find() || !total.find()) {
      throw new IllegalStateException("unexpected wrk output for " + url + ":\n" + output);
    }
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    Matcher percentile = PERCENTILE.matcher(output);
    while (percentile.find()) {
      double value = Double.parseDouble(percentile.group(2)) * switch (percentile.group(3)) {
        case "us" -> 0.001;
        case "ms" -> 1.0;
        default -> 1000.0;
      };
      if (percentile.group(1).equals("50")) {
        p50 = value;
      } else {
        p99 = value;
      }
    }
    StringBuilder errors = new StringBuilder();
    Matcher non2xx = NON_2XX.matcher(output);
    if (non2xx.find()) {
      errors.append(non2xx.group(1)).append(" non-2xx");
    }
    Matcher socket = SOCKET_ERRORS.matcher(output);
    if (socket.find()) {
      errors.append(errors.length() > 0 ? "; " : "").append("socket errors ").append(socket.group(1).trim());
    }
    return new Result(Double.parseDouble(rate.group(1)), p50, p99, Long.parseLong(total.group(1)), errors.toString());
  }
}
