package dev.snooze.local.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The frontend's container runs with the JVM flags whose memory the local load suite bounds. */
class ContainerFlagsTest {
  private static final Pattern FLAG = Pattern.compile("<jvmFlag>([^<]+)</jvmFlag>");

  @Test
  void theImagesJvmFlagsAreTheLocalFrontendsFlags() throws Exception {
    String pom = Files.readString(Path.of("..", "frontend", "pom.xml"));
    Matcher matcher = FLAG.matcher(pom);
    List<String> imageFlags = matcher.results().map(result -> result.group(1)).toList();
    assertThat(imageFlags).isEqualTo(LocalFrontend.JVM_FLAGS);
  }
}
