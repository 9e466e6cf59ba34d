package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.cli.smoke.SmokeCommand;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code snooze smoke} as a user runs it after {@code terraform apply}, pointed at the local stack:
 * the same code publishes to the emulator's topic, watches Status go WAKING -> AWAKE through the
 * frontend, sends a prompt and times each step; run again, it finds the GPU awake and only prompts.
 */
@ExtendWith(SharedEmulators.class)
@Timeout(180) // a whole stack woken twice, beside another stack test
class SmokeStackTest {
  private static final String RESIZE = "compute.regionInstanceGroupManagers.resize";
  private static final String TIME = "\\d+\\.\\d s";

  private LocalStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  record Result(int exit, String out, String err) {}

  @Test
  void smokeWakesTheLocalStackTimesEachStepAndThenFindsItAwake(LocalEmulators emulators) throws Exception {
    Map<String, String> knobs = new HashMap<>(TestStacks.ONE_OFFER);
    knobs.put("SNOOZE_IDLE_TIMEOUT", "60");
    knobs.put("SNOOZE_SLEEP_CHECK_INTERVAL", "1");
    // Provisioning long enough for a read of Status to see WAKING; every later stage short.
    knobs.put("SNOOZE_SIM_STAGES",
        "provisioning=1,booting=0.2,driver=0.2,pulling-image=0.2,starting-container=0.2,loading-model=0.5");
    Map<String, String> env = TestStacks.env(emulators, knobs);
    stack = LocalStack.start(env);
    // As after terraform apply: the frontend already shows Status (its first call builds the function's clients).
    await().atMost(Duration.ofSeconds(30)).until(() -> frontendPhase().equals("ASLEEP"));
    List<String> args = List.of("--frontend", stack.frontend().url(), "--project", SharedEmulators.PROJECT,
        "--topic", env.get("SNOOZE_TOPIC"), "--pubsub-emulator", emulators.pubsubHost(),
        "--timeout", "60s", "--poll", "100ms", "--prompt", "Awake?");

    Result cold = smoke(args);

    assertThat(cold.exit()).as(cold.out() + cold.err()).isZero();
    assertThat(cold.out())
        .containsPattern("(?m)^status +" + TIME + "  ASLEEP$")
        .containsPattern("(?m)^published +" + TIME + "  message \\S+ to projects/" + SharedEmulators.PROJECT
            + "/topics/" + env.get("SNOOZE_TOPIC") + " on the emulator at ")
        .containsPattern("(?m)^WAKING +" + TIME + "  offer snooze-gpu")
        .containsPattern("(?m)^  provisioning +" + TIME)
        .containsPattern("(?m)^  ready +" + TIME)
        .containsPattern("(?m)^AWAKE +" + TIME + "  " + TIME + " after publishing, offer snooze-gpu$")
        .containsPattern("(?m)^model +" + TIME + "  snooze-demo:latest ")
        .containsPattern("(?m)^first token +" + TIME + "  " + TIME + " after sending the prompt$")
        .containsPattern("(?m)^answer complete +" + TIME + "  " + TIME + " after sending, \\d+ bytes: \"You asked")
        .containsPattern("(?m)^smoke passed in " + TIME + ": wake " + TIME + " \\(published -> AWAKE\\), first token ");
    assertThat(cold.err()).isEmpty();
    assertThat(stack.compute().calls().get(RESIZE)).as("the smoke's message woke the MIG once").isEqualTo(1L);
    Matcher published = Pattern.compile("(?m)^published +" + TIME + "  message (\\S+) to ").matcher(cold.out());
    assertThat(published.find()).isTrue();
    assertThat(TestStacks.status(stack).getAsJsonArray("history")).as("Status's history names the smoke's message")
        .anySatisfy(event -> assertThat(event.getAsJsonObject().get("reason").getAsString())
            .isEqualTo("activity from smoke (message " + published.group(1) + ")"));

    List<String> openAi = new ArrayList<>(args);
    openAi.addAll(List.of("--api", "openai"));
    Result warm = smoke(openAi);

    assertThat(warm.exit()).as(warm.out() + warm.err()).isZero();
    assertThat(warm.out()).containsPattern("(?m)^status +" + TIME + "  AWAKE")
        .contains("the GPU is already AWAKE: nothing to wake, on to the prompt")
        .doesNotContain("published")
        .containsPattern("(?m)^answer complete +" + TIME + "  " + TIME + " after sending, \\d+ bytes: \"You asked")
        .containsPattern("(?m)^smoke passed in " + TIME + ": the GPU was already AWAKE, first token ");
    assertThat(stack.compute().calls().get(RESIZE)).as("an awake GPU is not woken again").isEqualTo(1L);
  }

  /** The phase as the frontend's /snooze/status shows it, or "" while it has none. */
  private String frontendPhase() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(stack.frontend().url() + "/snooze/status")).build(), HttpResponse.BodyHandlers.ofString());
    JsonObject status = JsonParser.parseString(response.body()).getAsJsonObject();
    return status.get("function").isJsonObject() ? status.getAsJsonObject("function").get("phase").getAsString() : "";
  }

  private static Result smoke(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = SmokeCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Result result = new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    // Kept in the test's report: what a user would have seen.
    System.out.print(result.out() + result.err());
    return result;
  }
}
