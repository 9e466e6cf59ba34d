package dev.snooze.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The traces shipped in cli/traces: readable without a bad line, small, and what the generator writes. */
class TracesTest {
  static final Path TRACES = Path.of("traces");
  final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"office-hours.jsonl", "weekly-demo.txt", "steady-trickle.txt"})
  void eachTracePlansWithoutSkippedLines(String name) throws Exception {
    Path trace = TRACES.resolve(name);

    var read = new RequestLogReader(0, List.of("/api/", "/v1/"), pool, 2).read(List.of(trace));

    assertThat(read.summary().badLines()).isZero();
    assertThat(read.summary().requests()).isGreaterThan(150);
    long days = (read.requests().start(read.requests().size() - 1) - read.requests().start(0)) / 86_400_000L;
    assertThat(days).isGreaterThanOrEqualTo(13);
    assertThat(Files.size(trace)).isLessThan(1 << 20);
    Plans.Run run = Plans.command(trace.toString(), "--idle", "15m,1h", "--quiet");
    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).containsPattern("[ (]0 bad lines skipped\\)");
  }

  @Test
  void theGeneratorWritesExactlyTheShippedTraces(@TempDir Path dir) throws Exception {
    TraceGenerator.main(new String[] {dir.toString()});

    for (String name : List.of("office-hours.jsonl", "weekly-demo.txt", "steady-trickle.txt")) {
      assertThat(Files.readString(dir.resolve(name))).as(name).isEqualTo(Files.readString(TRACES.resolve(name)));
    }
  }
}
