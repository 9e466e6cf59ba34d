package dev.snooze.cli.plan;

import static dev.snooze.cli.plan.Plans.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestLogReaderTest {
  static final String FRONTEND = "{\"severity\":\"INFO\",\"message\":\"POST /api/generate 200\",\"time\":\"%s\","
      + "\"component\":\"proxy\",\"httpRequest\":{\"requestMethod\":\"POST\",\"requestUrl\":\"%s\",\"status\":200,"
      + "\"latency\":\"%s\",\"responseSize\":\"1234\"}}";

  @TempDir
  Path dir;
  final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  RequestLogReader.Result read(Path... files) throws Exception {
    return read(List.of("/api/", "/v1/"), files);
  }

  RequestLogReader.Result read(List<String> paths, Path... files) throws Exception {
    return new RequestLogReader(0, paths, pool, 2).read(List.of(files));
  }

  static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  static List<long[]> requests(Requests requests) {
    List<long[]> all = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      all.add(new long[] {requests.start(i), requests.duration(i)});
    }
    return all;
  }

  @Test
  void theFrontendsLogGivesEachRequestItsStartAndDurationAndSkipsItsOtherLinesSilently() throws Exception {
    Path file = log(dir, "frontend.log",
        "{\"severity\":\"INFO\",\"message\":\"frontend listening\",\"time\":\"2026-12-03T09:00:00Z\",\"component\":\"server\"}",
        FRONTEND.formatted("2026-12-03T10:00:05.123Z", "/api/generate", "5.120s"),
        "",
        FRONTEND.formatted("2026-12-03T10:01:00Z", "/v1/chat/completions", "0.000400s"));

    RequestLogReader.Result read = read(file);

    assertThat(requests(read.requests())).containsExactly(
        new long[] {at("2026-12-03T10:00:00.003Z"), 5120},
        new long[] {at("2026-12-03T10:01:00Z"), 0});
    assertThat(read.summary().requests()).isEqualTo(2);
    assertThat(read.summary().notRequests()).isEqualTo(1);
    assertThat(read.summary().badLines()).isZero();
    assertThat(read.summary().lines()).isEqualTo(4);
  }

  @Test
  void aRequestHeldForAWakeTakesItsLatencyLessTheHold() throws Exception {
    // The frontend's RequestLog line: it arrived at 10:00:00 (time - latency) and was served for 5 s
    // after 83.214 s in the hold; the replay decides the waits anew.
    Path file = log(dir, "held.log", "{\"severity\":\"INFO\",\"message\":\"POST /api/generate 200\","
        + "\"time\":\"2026-12-03T10:01:28.214Z\",\"component\":\"frontend.request\",\"httpRequest\":{"
        + "\"requestMethod\":\"POST\",\"requestUrl\":\"/api/generate\",\"status\":200,\"responseSize\":\"5120\","
        + "\"latency\":\"88.214s\",\"remoteIp\":\"203.0.113.7\"},\"outcome\":\"answered\",\"held\":83.214}",
        "{\"severity\":\"WARNING\",\"message\":\"POST /api/chat 503\",\"time\":\"2026-12-03T11:00:00.500Z\","
        + "\"component\":\"frontend.request\",\"httpRequest\":{\"requestMethod\":\"POST\",\"requestUrl\":"
        + "\"/api/chat\",\"status\":503,\"responseSize\":\"120\",\"latency\":\"0.500s\"},\"outcome\":\"refused\","
        + "\"refusal\":\"over_budget\"}",
        "{\"time\":\"2026-12-03T12:00:00Z\",\"httpRequest\":{\"latency\":\"1s\"},\"held\":\"long\"}");

    RequestLogReader.Result read = read(file);

    assertThat(requests(read.requests())).containsExactly(
        new long[] {at("2026-12-03T10:00:00Z"), 5000},
        new long[] {at("2026-12-03T11:00:00Z"), 500});
    assertThat(read.summary().problems()).containsExactly(file + " line 3: \"held\" is not a number of seconds: \"long\"");
  }

  @Test
  void cloudLoggingsExportIsReadAsAnArrayWithTimestampAndFullUrls() throws Exception {
    Path file = log(dir, "export.json", """
        [
          {
            "httpRequest": {
              "requestMethod": "POST",
              "requestUrl": "https://demo.example.com/api/generate",
              "status": 200,
              "latency": "2.500s"
            },
            "timestamp": "2026-12-03T10:00:02.500Z",
            "severity": "INFO"
          },
          {
            "textPayload": "frontend listening",
            "timestamp": "2026-12-03T09:00:00Z"
          },
          {
            "httpRequest": {"requestUrl": "https://demo.example.com/", "latency": "0.010s"},
            "timestamp": "2026-12-03T10:00:03Z"
          }
        ]""");

    RequestLogReader.Result read = read(file);

    assertThat(requests(read.requests())).containsExactly(new long[] {at("2026-12-03T10:00:00Z"), 2500});
    assertThat(read.summary().notRequests()).isEqualTo(1);
    assertThat(read.summary().otherPaths()).isEqualTo(1);
  }

  @Test
  void aBrokenArrayKeepsTheEntriesBeforeTheBreakAndSaysWhereItBroke() throws Exception {
    Path file = log(dir, "broken.json", "[",
        "{\"httpRequest\":{\"latency\":\"1s\"},\"timestamp\":\"2026-12-03T10:00:01Z\"},",
        "{\"httpRequest\":{\"latency\":\"1s\"},\"timestamp\":\"2026-12-03T10:05:01Z\"}",
        "{\"httpRequest\":{\"latency\":\"1s\"},\"timestamp\":\"2026-12-03T10:09:01Z\"}]");

    RequestLogReader.Result read = read(file);

    assertThat(read.summary().requests()).isEqualTo(2);
    assertThat(read.summary().badLines()).isEqualTo(1);
    assertThat(read.summary().problems()).singleElement().asString()
        .startsWith(file + " line 4: not valid JSON (").endsWith("): the rest of the file was not read");
  }

  @Test
  void cloudLoggingEntriesOneALineAreReadLikeTheFrontendsOwn() throws Exception {
    Path file = log(dir, "entries.log",
        "{\"httpRequest\":{\"requestUrl\":\"/api/chat\",\"latency\":\"1s\"},\"timestamp\":\"2026-12-03T10:00:01+01:00\"}");

    assertThat(requests(read(file).requests())).containsExactly(new long[] {at("2026-12-03T09:00:00Z"), 1000});
  }

  @Test
  void plainTimestampsAreIsoWithAnOffsetOrEpochSeconds() throws Exception {
    Path file = log(dir, "plain.txt",
        "2026-12-03T10:00:00Z",
        "2026-12-03T11:00:00.250+01:00",
        "1796292000",
        "1796292000.5",
        "  2026-12-03T10:00:00.123456789Z  ");

    assertThat(requests(read(file).requests())).containsExactly(
        new long[] {at("2026-12-03T10:00:00Z"), 0},
        new long[] {at("2026-12-03T10:00:00Z"), 0},
        new long[] {at("2026-12-03T10:00:00.123Z"), 0},
        new long[] {at("2026-12-03T10:00:00.250Z"), 0},
        new long[] {1796292000_500L, 0});
    assertThat(Instant.ofEpochSecond(1796292000)).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
  }

  @Test
  void aByteOrderMarkIsNoContent() throws Exception {
    Path plain = log(dir, "bom.txt", "\uFEFF2026-12-03T10:00:00Z");
    Path array = log(dir, "bom.json", "\uFEFF[{\"httpRequest\":{\"latency\":\"1s\"},\"timestamp\":\"2026-12-03T10:00:01Z\"}]");

    assertThat(requests(read(plain).requests())).containsExactly(new long[] {at("2026-12-03T10:00:00Z"), 0});
    assertThat(requests(read(array).requests())).containsExactly(new long[] {at("2026-12-03T10:00:00Z"), 1000});
  }

  @Test
  void unsortedRequestsAreSorted() throws Exception {
    Path file = log(dir, "unsorted.txt", "2026-12-03T12:00:00Z", "2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z");

    assertThat(requests(read(file).requests())).extracting(r -> r[0])
        .containsExactly(at("2026-12-03T10:00:00Z"), at("2026-12-03T11:00:00Z"), at("2026-12-03T12:00:00Z"));
  }

  @Test
  void badLinesAreSkippedCountedAndTheFirstNamedWithWhatIsWrong() throws Exception {
    Path file = log(dir, "bad.log",
        FRONTEND.formatted("2026-12-03T10:00:05Z", "/api/generate", "5s"),
        "2026-12-03T10:00:00",
        "1796292000000",
        FRONTEND.formatted("2026-12-03T10:00:05Z", "/api/generate", "five seconds"),
        "{\"time\":\"2026-12-03T10:00:05Z\",\"httpRequest\":{\"latency\":\"1s\"",
        "{\"httpRequest\":{\"latency\":\"1s\"}}",
        "{\"time\":\"2026-12-03T10:00:05Z\",\"httpRequest\":\"GET /\"}",
        "yesterday at noon",
        "2026-12-03T10:30:00Z");

    RequestLogReader.Result read = read(file);

    assertThat(read.summary().requests()).isEqualTo(2);
    assertThat(read.summary().badLines()).isEqualTo(7);
    assertThat(read.summary().problems()).containsExactly(
        file + " line 2: '2026-12-03T10:00:00' is not a timestamp with an offset: add Z (UTC) or the zone's offset,"
            + " e.g. 2026-12-03T10:00:05Z or 2026-12-03T11:00:05+01:00",
        file + " line 3: '1796292000000' is too large for epoch seconds: if it is milliseconds, divide by 1000",
        file + " line 4: latency 'five seconds' is not seconds such as \"5.120s\"",
        file + " line 5: not valid JSON (End of input at column 61)",
        file + " line 6: a request without \"time\" or \"timestamp\"");
  }

  @Test
  void requestsToPathsTheFrontendDoesNotProxyAreNotPlannedUnlessAllAreAsked() throws Exception {
    Path file = log(dir, "paths.log",
        FRONTEND.formatted("2026-12-03T10:00:00Z", "/api/generate", "0s"),
        FRONTEND.formatted("2026-12-03T10:00:00Z", "/status", "0s"),
        FRONTEND.formatted("2026-12-03T10:00:00Z", "/", "0s"));

    assertThat(read(file).summary().requests()).isEqualTo(1);
    assertThat(read(file).summary().otherPaths()).isEqualTo(2);
    assertThat(read(List.of(), file).summary().requests()).isEqualTo(3);
  }

  @Test
  void linesGsonMustReadGiveWhatTheFastPathGives() throws Exception {
    // An escaped URL, a null latency, nested objects and arrays, odd spacing: all read alike.
    Path file = log(dir, "odd.log",
        "{ \"time\" : \"2026-12-03T10:00:05Z\" , \"httpRequest\" : { \"requestUrl\" : \"\\/api\\/generate\","
            + " \"latency\" : \"5s\" } }",
        "{\"labels\":{\"a\":[1,2.5e3,{\"b\":null}],\"c\":true},\"httpRequest\":{\"latency\":null,"
            + "\"requestUrl\":\"/api/x\"},\"time\":\"2026-12-03T10:00:05Z\"}",
        "{\"msg\":\"caf\u00e9 \\u00e9\",\"httpRequest\":{\"latency\":\"0.5s\"},\"timestamp\":\"2026-12-03T10:00:05.5Z\","
            + "\"time\":\"1999-01-01T00:00:00Z\"}");

    assertThat(requests(read(file).requests())).containsExactly(
        new long[] {at("2026-12-03T10:00:00Z"), 5000},
        new long[] {at("2026-12-03T10:00:05Z"), 0},
        new long[] {at("2026-12-03T10:00:05Z"), 500});
  }

  @Test
  void aMissingFileIsUnreadable() {
    assertThatThrownBy(() -> read(dir.resolve("nope.log")))
        .isInstanceOf(RequestLogReader.UnreadableLog.class)
        .hasMessage(dir.resolve("nope.log") + ": no such file");
  }

  @Test
  void manyChunksKeepTheirLineNumbers() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      lines.add(i == 20_000 ? "garbage" : Long.toString(1796292000L + i));
    }
    Path file = log(dir, "many.txt", lines.toArray(String[]::new));

    RequestLogReader.Result read = read(file);

    assertThat(read.summary().requests()).isEqualTo(29_999);
    assertThat(read.summary().problems()).containsExactly(file + " line 20001: 'garbage' is not ISO-8601 with an"
        + " offset (e.g. 2026-12-03T10:00:05.123Z) or epoch seconds (e.g. 1796292005.123)");
  }
}
