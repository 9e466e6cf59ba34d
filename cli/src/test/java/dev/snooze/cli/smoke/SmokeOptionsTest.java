package dev.snooze.cli.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.cli.Snooze;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The smoke's command line: what it takes, and bad usage named by its option (exit 2). */
class SmokeOptionsTest {
  private static final String FRONTEND = "https://snooze.example.com";
  private static final String TOPIC = "projects/my-project/topics/snooze-activity";

  private static SmokeOptions parse(Map<String, String> env, String... args) throws UsageException {
    return SmokeOptions.parse(args, env);
  }

  private static String usage(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = SmokeCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, Limits.DEFAULT, options -> {
          throw new AssertionError("bad usage must not get as far as publishing");
        });
    assertThat(exit).as("exit code of bad usage").isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void takesADeploymentAsTerraformNamesIt() throws Exception {
    SmokeOptions options = parse(Map.of(), "--frontend", FRONTEND + "/", "--topic", TOPIC,
        "--iap-audience", "123-abc.apps.googleusercontent.com");

    assertThat(options.frontend()).isEqualTo(URI.create(FRONTEND));
    assertThat(options.project()).isEqualTo("my-project");
    assertThat(options.topic()).isEqualTo("snooze-activity");
    assertThat(options.topicPath()).isEqualTo(TOPIC);
    assertThat(options.statusEndpoint()).isEqualTo(URI.create(FRONTEND + "/snooze/status"));
    assertThat(options.api()).isEqualTo(Api.OLLAMA);
    assertThat(options.model()).isNull();
    assertThat(options.prompt()).isEqualTo(SmokeOptions.DEFAULT_PROMPT);
    assertThat(options.timeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(options.poll()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.pubsubEmulator()).isNull();
    assertThat(options.iapAudience()).isEqualTo("123-abc.apps.googleusercontent.com");
    assertThat(options.token()).isNull();
  }

  @Test
  void takesATopicByNameWithItsProjectAndEveryOptionInBothForms() throws Exception {
    SmokeOptions options = parse(Map.of(), "--frontend=http://127.0.0.1:8080", "--topic=activity-1",
        "--project", "snooze-local", "--api", "OpenAI", "--model", "snooze-demo", "--prompt", "Hi?",
        "--timeout", "90s", "--poll", "200ms", "--pubsub-emulator", "127.0.0.1:8085",
        "--status-url", "http://127.0.0.1:9000/status");

    assertThat(options.topicPath()).isEqualTo("projects/snooze-local/topics/activity-1");
    assertThat(options.api()).isEqualTo(Api.OPENAI);
    assertThat(options.model()).isEqualTo("snooze-demo");
    assertThat(options.prompt()).isEqualTo("Hi?");
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(options.poll()).isEqualTo(Duration.ofMillis(200));
    assertThat(options.pubsubEmulator()).isEqualTo("127.0.0.1:8085");
    assertThat(options.statusEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9000/status"));
  }

  @Test
  void honoursTheEmulatorAndTokenVariablesButNotOverTheOptions() throws Exception {
    Map<String, String> env = Map.of("PUBSUB_EMULATOR_HOST", "localhost:8681", "SNOOZE_TOKEN", "from-env\n");

    SmokeOptions fromEnv = parse(env, "--frontend", FRONTEND, "--topic", TOPIC);
    assertThat(fromEnv.pubsubEmulator()).isEqualTo("localhost:8681");
    assertThat(fromEnv.token()).isEqualTo("from-env");
    assertThat(fromEnv.tokenFrom()).isEqualTo("$SNOOZE_TOKEN");

    SmokeOptions given = parse(env, "--frontend", FRONTEND, "--topic", TOPIC, "--pubsub-emulator", "127.0.0.1:1",
        "--iap-audience", "x.apps.googleusercontent.com");
    assertThat(given.pubsubEmulator()).isEqualTo("127.0.0.1:1");
    assertThat(given.token()).as("an audience given mints its own token").isNull();
  }

  @Test
  void neverPrintsTheToken() throws Exception {
    SmokeOptions options = parse(Map.of(), "--frontend", FRONTEND, "--topic", TOPIC, "--token", "s3cr3t.t0ken");

    assertThat(options.toString()).doesNotContain("s3cr3t").contains("token=(--token)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "15m | PT15M", "90s | PT1M30S", "500ms | PT0.5S", "1h | PT1H", "1.5m | PT1M30S", "120 | PT2M", "PT2M | PT2M"})
  void takesDurationsAsPeopleWriteThem(String written, String expected) throws Exception {
    assertThat(SmokeOptions.duration("--timeout", written)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void showsDurationsAsPeopleWriteThem() {
    assertThat(SmokeOptions.human(Duration.ofMinutes(15))).isEqualTo("15m");
    assertThat(SmokeOptions.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(SmokeOptions.human(Duration.ofMillis(200))).isEqualTo("200ms");
    assertThat(SmokeOptions.human(Duration.ofHours(1))).isEqualTo("1h");
  }

  @Test
  void namesTheMissingOption() {
    assertThat(usage(Map.of(), "--topic", TOPIC)).startsWith("snooze smoke: missing --frontend")
        .contains("--help lists the options");
    assertThat(usage(Map.of(), "--frontend", FRONTEND)).startsWith("snooze smoke: missing --topic");
    assertThat(usage(Map.of(), "--frontend", FRONTEND, "--topic", "snooze-activity"))
        .startsWith("snooze smoke: missing --project: --topic snooze-activity is a name");
    assertThat(usage(Map.of(), "--frontend", FRONTEND, "--topic", TOPIC, "--model"))
        .startsWith("snooze smoke: --model needs a value");
  }

  @Test
  void namesTheWrongOption() {
    Map<String, String> none = Map.of();
    assertThat(usage(none, "--frontend", "snooze.example.com", "--topic", TOPIC)).contains("--frontend snooze.example.com is not an http(s) URL");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", "topics/x")).contains("--topic topics/x is neither");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", TOPIC, "--project", "other-project"))
        .contains("--project other-project contradicts --topic");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", "projects/Bad_Project/topics/t"))
        .contains("project Bad_Project is not a project ID");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", TOPIC, "--api", "vllm")).contains("--api vllm is not ollama or openai");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", TOPIC, "--timeout", "soon")).contains("--timeout soon is not a positive duration");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", TOPIC, "--poll", "0s")).contains("--poll 0s is not a positive duration");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", TOPIC, "--pubsub-emulator", "localhost")).contains("--pubsub-emulator localhost is not");
    assertThat(usage(Map.of("PUBSUB_EMULATOR_HOST", "http://x:1"), "--frontend", FRONTEND, "--topic", TOPIC))
        .contains("$PUBSUB_EMULATOR_HOST http://x:1 is not");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", TOPIC, "--prompt", " ")).contains("--prompt is empty");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", TOPIC, "--topic", TOPIC)).contains("--topic is given twice");
    assertThat(usage(none, "--frontend", FRONTEND, "--topic", TOPIC, "--region", "us-central1")).contains("unknown option '--region'");
  }

  @Test
  void takesOneWayToAuthenticateAndSendsTokensOnlyOverHttps() {
    assertThat(usage(Map.of(), "--frontend", FRONTEND, "--topic", TOPIC, "--iap-audience", "a", "--token", "t"))
        .contains("give --iap-audience (mint a token) or --token (use this one), not both");
    String plain = usage(Map.of(), "--frontend", "http://snooze.example.com", "--topic", TOPIC, "--token", "t0k3n");
    assertThat(plain).contains("--frontend http://snooze.example.com is plain http: a token is sent only over https")
        .doesNotContain("t0k3n");
    assertThat(usage(Map.of("SNOOZE_TOKEN", "t0k3n"), "--frontend", "http://10.0.0.2", "--topic", TOPIC))
        .contains("is plain http").doesNotContain("t0k3n");
    assertThat(usage(Map.of(), "--frontend", FRONTEND, "--topic", TOPIC, "--token", "two words"))
        .contains("--token holds whitespace").doesNotContain("two words");
  }

  @Test
  void helpListsEveryOptionThroughTheCli() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = Snooze.run(new String[] {"smoke", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: java -jar snooze.jar smoke")
        .contains(List.of("--frontend URL", "--topic TOPIC", "--project PROJECT", "--pubsub-emulator H:P",
            "--iap-audience ID", "--token TOKEN", "$SNOOZE_TOKEN", "--status-url URL", "--api ollama|openai",
            "--model NAME", "--prompt TEXT", "--timeout DURATION", "--poll DURATION", "-h, --help"));
  }

  @Test
  void optionsNeedTheirValue() {
    assertThatThrownBy(() -> parse(Map.of(), "--frontend")).isInstanceOf(UsageException.class)
        .hasMessage("--frontend needs a value");
  }
}
