package dev.snooze.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonLogTest {
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
  void aLogForAComponentWritesToTheStandardOutputOfTheMomentNotOfItsMaking() {
    JsonLog log = JsonLog.forComponent("late");
    PrintStream before = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      log.info("rendered by whoever took standard output over");
    } finally {
      System.setOut(before);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"message\":\"rendered by whoever took standard output over\"");
  }
}
