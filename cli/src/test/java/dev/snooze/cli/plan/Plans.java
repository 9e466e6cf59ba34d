package dev.snooze.cli.plan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** Runs plans as the command does, on logs written by the test. */
final class Plans {
  private Plans() {}

  /** What a run printed and returned. */
  record Run(int exit, String out, String err) {}

  static Path log(Path dir, String name, String... lines) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, String.join("\n", lines) + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code snooze plan ARGS}, progress off unless asked for. */
  static Run command(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = PlanCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The outcome of every setting the options sweep, replayed on {@code log}. */
  static List<Outcome> replay(Path log, String... options) {
    List<String> args = new ArrayList<>(List.of(log.toString()));
    args.addAll(Arrays.asList(options));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      PlanOptions parsed = PlanOptions.parse(args.toArray(String[]::new));
      var base = Sweep.basePolicy(parsed);
      var settings = Sweep.settings(parsed, base);
      var read = new RequestLogReader(parsed.duration().toMillis(), parsed.paths(), pool, 2).read(parsed.logs());
      var period = Sweep.period(read.requests(), settings, parsed.frontend());
      List<Outcome> outcomes = new ArrayList<>();
      for (Setting setting : settings) {
        outcomes.add(new Replay(read.requests(), setting, parsed.frontend(), period.from(), period.to(),
            new AtomicLong()).run());
      }
      return outcomes;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  static Outcome replayOne(Path log, String... options) {
    List<Outcome> outcomes = replay(log, options);
    if (outcomes.size() != 1) {
      throw new IllegalStateException("expected one setting, got " + outcomes.size());
    }
    return outcomes.get(0);
  }
}
