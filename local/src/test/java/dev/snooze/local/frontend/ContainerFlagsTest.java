package dev.snooze.local.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The frontend's container runs with the JVM flags and environment whose memory the local load suite bounds. */
class ContainerFlagsTest {
  private static final Pattern FLAG = Pattern.compile("<jvmFlag>([^<]+)</jvmFlag>");
  private static final Pattern ENVIRONMENT = Pattern.compile("<environment>(.*?)</environment>", Pattern.DOTALL);
  private static final Pattern VARIABLE = Pattern.compile("<(\\w+)>([^<]*)</\\1>");

  @Test
  void theImagesJvmFlagsAreTheLocalFrontendsFlags() throws Exception {
    String pom = Files.readString(Path.of("..", "frontend", "pom.xml"));
    Matcher matcher = FLAG.matcher(pom);
    List<String> imageFlags = matcher.results().map(result -> result.group(1)).toList();
    assertThat(imageFlags).isEqualTo(LocalFrontend.JVM_FLAGS);
  }

  @Test
  void theImagesEnvironmentIsTheLocalFrontendsEnvironment() throws Exception {
    String pom = Files.readString(Path.of("..", "frontend", "pom.xml"));
    Matcher block = ENVIRONMENT.matcher(pom);
    assertThat(block.find()).as("<environment> in frontend/pom.xml's jib container").isTrue();
    Map<String, String> imageEnvironment = VARIABLE.matcher(block.group(1)).results()
        .collect(Collectors.toMap(result -> result.group(1), result -> result.group(2)));
    assertThat(imageEnvironment).isEqualTo(LocalFrontend.ENVIRONMENT);
  }
}
