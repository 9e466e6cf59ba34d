package dev.snooze.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** The fast path accepts only JSON, and leaves to Gson what it cannot read in place. */
class JsonLineScannerTest {
  final JsonLineScanner scanner = new JsonLineScanner();

  @Test
  void readsTheFrontendsLinesInPlace() {
    String line = "{\"severity\":\"INFO\",\"time\":\"2026-12-03T10:00:05.123Z\",\"httpRequest\":{\"requestUrl\":"
        + "\"/api/generate\",\"status\":200,\"latency\":\"5.120s\"},\"n\":[1,-2.5e-3,true,null,{}]}";

    assertThat(scanner.scan(line, 0)).isTrue();
    assertThat(scanner.http).isTrue();
    assertThat(line.substring(scanner.timeFrom, scanner.timeTo)).isEqualTo("2026-12-03T10:00:05.123Z");
    assertThat(line.substring(scanner.latencyFrom, scanner.latencyTo)).isEqualTo("5.120s");
    assertThat(line.substring(scanner.urlFrom, scanner.urlTo)).isEqualTo("/api/generate");
    assertThat(scanner.timestampFrom).isEqualTo(-1);
  }

  @Test
  void neverAcceptsWhatIsNotJson() {
    String[] notJson = {"{", "{}x", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":tru}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":[1,]}", "{a:1}", "{\"a\":'b'}", "{\"a\":\"tab\there\"}"};
    for (String line : notJson) {
      assertThat(scanner.scan(line, 0)).as(line).isFalse();
    }
  }

  @Test
  void everythingItAcceptsGsonAccepts() {
    String[] json = {"{}", " { \"a\" : [ ] , \"b\" : { } } ", "{\"a\":\"\\u00e9\\n\\\"\"}", "{\"a\":-0.5E+2}",
        "{\"httpRequest\":null,\"time\":null}", "{\"x\":[[[[1]]]]}"};
    for (String line : json) {
      assertThat(scanner.scan(line, line.indexOf('{'))).as(line).isTrue();
      assertThat(gsonReads(line)).as(line).isTrue();
    }
  }

  @Test
  void leavesToGsonWhatItWouldHaveToDecode() {
    assertThat(scanner.scan("{\"time\":\"2026-12-03T10:00:05\\u005a\",\"httpRequest\":{}}", 0)).isFalse();
    assertThat(scanner.scan("{\"time\":5,\"httpRequest\":{}}", 0)).isFalse();
    assertThat(scanner.scan("{\"httpRequest\":\"GET /\"}", 0)).isFalse();
  }

  private static boolean gsonReads(String line) {
    try {
      JsonParser.parseString(line);
      return true;
    } catch (JsonParseException e) {
      return false;
    }
  }
}
