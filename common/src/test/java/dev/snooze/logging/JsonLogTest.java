package dev.snooze.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** JsonLog writes its lines itself; they must be exactly what Gson, its former writer, wrote. */
class JsonLogTest {
  /** How JsonLog configured Gson when Gson wrote every line. */
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  @Test
  void everyCharacterIsEscapedAsGsonEscapesIt() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < Character.MAX_VALUE; c++) {
      assertSameAsGson(entry("c", String.valueOf(c)));
      all.append(c);
    }
    assertSameAsGson(entry("all", all.toString()));
  }

  @Test
  void randomTextIsWrittenAsGsonWritesIt() {
    Random random = new Random(42);
    // Mostly ASCII with the characters that need escaping mixed in, and now and then anything.
    char[] alphabet = "ab \"\\\t\n\r\b\f\u0000\u001f\u007f\u2028\u2029é😀<>&='/".toCharArray();
    for (int i = 0; i < 2_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int j = 0; j < length; j++) {
        text.append(random.nextInt(8) == 0 ? (char) random.nextInt(Character.MAX_VALUE) : alphabet[random.nextInt(alphabet.length)]);
      }
      assertSameAsGson(entry(text.toString(), text.toString()));
    }
  }

  @Test
  void valuesAndNestedMapsAreWrittenAsGsonWritesThem() {
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("requestMethod", "POST");
    http.put("status", 200);
    http.put("responseSize", "5120");
    http.put("nothing", null);
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("severity", "INFO");
    line.put("httpRequest", http);
    line.put("int", Integer.MIN_VALUE);
    line.put("long", Long.MAX_VALUE);
    line.put("short", (short) -3);
    line.put("byte", (byte) 7);
    line.put("double", 83.214);
    line.put("tiny", 1e-9);
    line.put("huge", 1.5e300);
    line.put("negativeZero", -0.0);
    line.put("yes", true);
    line.put("no", false);
    line.put("null", null);
    line.put("empty", Map.of());
    assertSameAsGson(line);
  }

  @Test
  void whatTheFastPathDoesNotKnowIsLeftToGson() {
    for (Object value : List.of(new BigDecimal("1.50"), new AtomicLong(3), 2.5f, Map.of(1, "numeric key"),
        List.of("a", "b"))) {
      assertSameAsGson(entry("value", value));
    }
    assertThatThrownBy(() -> JsonLog.toJson(entry("nan", Double.NaN)))
        .as("Gson refuses NaN, and so it still does")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLineHasItsFieldsInOrderAfterSeverityMessageTimeAndComponent() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLog log = new JsonLog("test", new PrintStream(out, true, StandardCharsets.UTF_8), System.err).with("ctx", 1);
    log.info("say \"hi\"", "a", "x\ny", "n", 2, "unpaired");
    String line = out.toString(StandardCharsets.UTF_8);
    assertThat(line).matches("\\{\"severity\":\"INFO\",\"message\":\"say \\\\\"hi\\\\\"\",\"time\":\"[^\"]+Z\","
        + "\"component\":\"test\",\"a\":\"x\\\\ny\",\"n\":2,\"unpaired\":\"unpaired\",\"ctx\":1}\\R");
  }

  @Test
  void timesAreWrittenAsInstantWritesThem() {
    Random random = new Random(7);
    List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(0, 1),
        Instant.parse("2026-12-03T22:39:11.926Z"), Instant.parse("2026-12-03T22:39:11.000926Z"),
        Instant.parse("2026-12-03T22:39:11.000000926Z"), Instant.parse("2026-12-03T22:39:11.100Z"),
        Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("-0001-01-01T00:00:00.5Z"), Instant.MIN, Instant.MAX));
    for (int i = 0; i < 10_000; i++) {
      long second = 1_700_000_000L + random.nextInt(5);
      int nano = switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1000;
        default -> random.nextInt(1_000_000_000);
      };
      instants.add(Instant.ofEpochSecond(second, nano));
    }
    for (Instant instant : instants) {
      assertThat(JsonLog.time(instant)).isEqualTo(instant.toString());
    }
  }

  private static Map<String, Object> entry(String key, Object value) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put(key, value);
    return entry;
  }

  private static void assertSameAsGson(Map<String, Object> entry) {
    assertThat(JsonLog.toJson(entry)).isEqualTo(GSON.toJson(entry));
  }
}
