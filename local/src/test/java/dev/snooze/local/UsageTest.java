package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class UsageTest {
  /** Every knob the stack's own code reads is listed, so --help cannot fall behind the code. */
  @Test
  void listsEveryKnobTheStackReadsAndEveryOneItHandsOn() throws IOException {
    String help = Usage.text();
    // A name read (env.get("…"), reader.duration("…", …), LOG_DIR_ENV = "…"), not one set for a
    // child (put("…", …), Map.of("…", …)).
    Pattern knob = Pattern.compile("(?:(?<!put)(?<!of)\\(|_ENV = )\"((?:SNOOZE|CLOUDSDK)_[A-Z_]+)\"");
    try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java", "dev", "snooze", "local"))) {
      for (Path source : sources.filter(Files::isRegularFile).toList()) {
        Matcher read = knob.matcher(Files.readString(source));
        while (read.find()) {
          assertThat(help).as("%s, read in %s", read.group(1), source.getFileName()).contains(read.group(1));
        }
      }
    }
    assertThat(help).contains("SNOOZE_MAX_SIZE", "SNOOZE_WAKE_ON", "--json", "--text");
    assertThat(help.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(104));
  }
}
