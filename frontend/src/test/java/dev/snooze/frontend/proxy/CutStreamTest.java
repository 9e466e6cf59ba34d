package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a client reads after the part of a stream it got when the backend was cut: the error record
 * always starts a line (JSON lines) or follows a blank line (events), whatever line ends the backend
 * used and however its chunks split them. Escapes: {@code \n} and {@code \r} as in Java.
 */
class CutStreamTest {
  private static final String LINE = "{\"error\":\"" + CutStream.MESSAGE + "\"}\n";
  private static final String EVENT = "data: {\"error\":{\"message\":\"" + CutStream.MESSAGE
      + "\",\"type\":\"server_error\",\"code\":\"backend_lost\"}}\n\n";

  @ParameterizedTest(name = "{0} + {1}")
  @CsvSource(delimiter = '|', value = {
      "''          | ''         | ''",
      "'{\"a\":1}\\n' | ''   | ''",
      "'{\"a\":1}\\n{\"b' | '' | '\\n'",
      "'{\"a\":1}'   | '\\n'      | ''",
      "'{\"a\":1}\\r' | ''   | '\\n'"})
  void jsonLines(String first, String second, String separator) {
    assertThat(after(CutStream.JSON_LINES, first, second)).isEqualTo(unescape(first + second + separator) + LINE);
  }

  @ParameterizedTest(name = "{0} + {1}")
  @CsvSource(delimiter = '|', value = {
      "''                 | ''        | ''",
      "'data: 1\\n\\n'       | ''   | ''",
      "'data: 1\\n'         | '\\n'      | ''",
      "'data: 1\\r\\n\\r\\n'   | ''   | ''",
      "'data: 1\\r\\n'       | '\\r\\n'    | ''",
      "'data: 1\\n'         | ''   | '\\n'",
      "'data: 1\\r\\n'       | ''   | '\\n'",
      "'data: 1\\r'         | ''   | '\\r'",
      "'data: 1\\r'         | '\\r'      | ''",
      "'data: {\"cho'     | ''        | '\\n\\n'"})
  void events(String first, String second, String separator) {
    assertThat(after(CutStream.EVENT_STREAM, first, second)).isEqualTo(unescape(first + second + separator) + EVENT);
  }

  /** The two chunks relayed, then the record written after them. */
  private static String after(CutStream format, String first, String second) {
    RelayedBytes relayed = new RelayedBytes();
    Buffer stream = Buffer.buffer();
    for (String chunk : new String[] {unescape(first), unescape(second)}) {
      if (!chunk.isEmpty()) {
        relayed.add(Buffer.buffer(chunk));
        stream.appendString(chunk);
      }
    }
    assertThat(relayed.count()).isEqualTo(stream.length());
    return stream.appendBuffer(format.record(relayed)).toString();
  }

  private static String unescape(String text) {
    return text.replace("\\n", "\n").replace("\\r", "\r");
  }
}
