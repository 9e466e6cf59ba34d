package dev.snooze.cli.smoke;

import static dev.snooze.cli.smoke.FakeFrontend.awake;
import static dev.snooze.cli.smoke.FakeFrontend.failing;
import static dev.snooze.cli.smoke.FakeFrontend.noFunction;
import static dev.snooze.cli.smoke.FakeFrontend.phase;
import static dev.snooze.cli.smoke.FakeFrontend.waking;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.snooze.activity.ActivityMessage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code snooze smoke} against a fake frontend and a fake topic: the lines it prints as each step
 * completes, and how each way of failing is told (the step, what was seen, the time), never the token.
 */
@Timeout(30)
class SmokeCommandTest {
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-token-value.sig";
  private static final String TIME = "\\d+\\.\\d s";

  private final FakeFrontend frontend;
  private final Map<String, String> args = new LinkedHashMap<>();
  private Limits limits = Limits.DEFAULT;

  SmokeCommandTest() throws Exception {
    frontend = new FakeFrontend();
    args.put("--frontend", frontend.url());
    args.put("--topic", "projects/snooze-test/topics/activity");
    args.put("--poll", "20ms");
    args.put("--timeout", "20s");
  }

  @AfterEach
  void stop() {
    frontend.close();
  }

  record Result(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private Result smoke(FakePublisher publisher) {
    List<String> argv = new ArrayList<>();
    args.forEach((name, value) -> {
      argv.add(name);
      argv.add(value);
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = SmokeCommand.run(argv.toArray(String[]::new), print(out), print(err), Map.of(), limits,
        options -> publisher);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static PrintStream print(OutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }

  @Test
  void wakesTheGpuAndTimesEveryStepToTheAnswer() {
    frontend.statuses(phase("ASLEEP")).ollama("Hello", ", ", "world.");
    FakePublisher publisher = new FakePublisher(() -> frontend.statuses(
        phase("ASLEEP"), waking("provisioning"), waking("booting"), waking("pulling-image"),
        waking("loading-model"), awake()));

    Result result = smoke(publisher);

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.lines()).satisfiesExactly(
        line -> assertThat(line).startsWith("snooze smoke: " + frontend.url() + " (ollama API), topic "),
        line -> assertThat(line).isEqualTo("auth: no token"),
        line -> assertThat(line).matches("status +" + TIME + "  ASLEEP"),
        line -> assertThat(line).matches("published +" + TIME + "  message 1 to projects/snooze-test/topics/activity.*"),
        line -> assertThat(line).matches("WAKING +" + TIME + "  offer snooze-gpu, ready in about 12 s"),
        line -> assertThat(line).matches("  provisioning +" + TIME),
        line -> assertThat(line).matches("  booting +" + TIME),
        // driver passed between two reads: Status says how long it took
        line -> assertThat(line).matches("  driver +" + TIME + "  took 1\\.5 s"),
        line -> assertThat(line).matches("  pulling-image +" + TIME),
        line -> assertThat(line).matches("  starting-container +" + TIME + "  took 1\\.5 s"),
        line -> assertThat(line).matches("  loading-model +" + TIME),
        line -> assertThat(line).matches("  ready +" + TIME),
        line -> assertThat(line).matches("AWAKE +" + TIME + "  " + TIME + " after publishing, offer snooze-gpu"),
        line -> assertThat(line).matches("model +" + TIME + "  snooze-demo:latest \\(the first of 2 the backend lists\\)"),
        line -> assertThat(line).matches("first token +" + TIME + "  " + TIME + " after sending the prompt"),
        line -> assertThat(line).matches("answer complete +" + TIME + "  " + TIME
            + " after sending, 13 bytes: \"Hello, world.\""),
        line -> assertThat(line).matches("smoke passed in " + TIME + ": wake " + TIME + " \\(published -> AWAKE\\), "
            + "first token " + TIME + ", answer " + TIME + " \\(13 bytes\\)"));
    assertThat(publisher.published).containsExactly(ActivityMessage.request("smoke", 0));
    FakeFrontend.Seen prompt = frontend.seen().stream().filter(s -> s.path().equals("/api/generate")).findFirst().orElseThrow();
    assertThat(prompt.body()).contains("\"model\":\"snooze-demo:latest\"", "\"stream\":true", "\"prompt\":\"Are you awake?");
    assertThat(frontend.seen()).allSatisfy(seen -> assertThat(seen.authorization()).isNull());
  }

  @Test
  void anAwakeGpuIsNotWokenAndTheTokenGoesWithEveryRequestButNeverToTheOutput() {
    frontend.statuses(awake()).openAi("I am ", "awake.");
    FakePublisher publisher = new FakePublisher(() -> { });
    args.put("--api", "openai");
    args.put("--token", TOKEN);
    args.put("--model", "snooze-demo");

    Result result = smoke(publisher);

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("auth: the token from --token")
        .containsPattern("status +" + TIME + "  AWAKE")
        .contains("the GPU is already AWAKE: nothing to wake, on to the prompt")
        .containsPattern("answer complete +" + TIME + "  " + TIME + " after sending, 11 bytes: \"I am awake.\"")
        .containsPattern("smoke passed in " + TIME + ": the GPU was already AWAKE, first token")
        .doesNotContain("published", "model ");
    assertThat(publisher.published).isEmpty();
    assertThat(frontend.seen()).extracting(FakeFrontend.Seen::path).containsExactly("/snooze/status", "/v1/chat/completions");
    assertThat(frontend.seen()).allSatisfy(seen -> assertThat(seen.authorization()).isEqualTo("Bearer " + TOKEN));
    assertThat(frontend.seen().get(1).body()).contains("\"messages\":[{\"role\":\"user\",\"content\":\"Are you awake?");
    assertThat(result.out() + result.err()).doesNotContain(TOKEN, "secret-token");
  }

  @Test
  void statusErrorFailsTheWakeWithItsLastError() {
    frontend.statuses(phase("ASLEEP")).ollama("never");
    FakePublisher publisher = new FakePublisher(() -> frontend.statuses(phase("ASLEEP"), waking("provisioning"),
        failing("ERROR", "ZONE_RESOURCE_POOL_EXHAUSTED", "no nvidia-l4 in us-central1-a, us-central1-b")));

    Result result = smoke(publisher);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).matches("(?s)smoke FAILED at wake after " + TIME + ": Status ERROR: "
        + "ZONE_RESOURCE_POOL_EXHAUSTED: no nvidia-l4 in us-central1-a, us-central1-b \\(boot stage provisioning\\)\\. "
        + "The functions keep trying.*\n");
    assertThat(result.out()).containsPattern("WAKING +" + TIME).doesNotContain("AWAKE", "smoke passed");
    assertThat(frontend.seen()).noneMatch(seen -> seen.path().startsWith("/api/"));
  }

  @Test
  void overBudgetFailsAtOnceWithTheReasonAndPublishesNothing() {
    frontend.statuses(failing("OVER_BUDGET", "BUDGET", "8 GPU hours per day reached at 14:02"));
    FakePublisher publisher = new FakePublisher(() -> { });

    Result result = smoke(publisher);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).matches("smoke FAILED at wake after " + TIME + ": Status OVER_BUDGET: the GPU budget is "
        + "exhausted \\(BUDGET: 8 GPU hours per day reached at 14:02\\); nothing wakes the GPU until .*\n");
    assertThat(publisher.published).isEmpty();
  }

  @Test
  void overBudgetWhileWaitingFailsRatherThanWaitingOutTheTimeout() {
    frontend.statuses(phase("ASLEEP"));
    FakePublisher publisher = new FakePublisher(() -> frontend.statuses(phase("ASLEEP"),
        frontendStatusWithBudget()));
    args.put("--timeout", "15m");

    Result result = smoke(publisher);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("at wake", "Status OVER_BUDGET", "(50.00 per month reached)");
  }

  private static FakeFrontend.Reply frontendStatusWithBudget() {
    JsonObject view = FakeFrontend.view("OVER_BUDGET", null, null);
    JsonObject budget = new JsonObject();
    budget.addProperty("reason", "50.00 per month reached");
    view.add("budget", budget);
    return FakeFrontend.frontendStatus(view);
  }

  @Test
  void aRefusalFromIapSaysTheTokenOrItsAudienceIsWrong() {
    frontend.statuses(new FakeFrontend.Reply(403, "text/html",
        "<html><body>Invalid IAP credentials: JWT audience doesn't match this application</body></html>", Map.of()));
    FakePublisher publisher = new FakePublisher(() -> { });
    args.put("--token", TOKEN);

    Result result = smoke(publisher);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).startsWith("smoke FAILED at status after ")
        .contains("HTTP 403 (Invalid IAP credentials: JWT audience doesn't match this application) from IAP: it refused "
            + "the token from --token: the token or its audience (IAP's OAuth client ID) is wrong");
    assertThat(result.out() + result.err()).doesNotContain(TOKEN, "secret-token");
    assertThat(publisher.published).isEmpty();
  }

  @Test
  void aRedirectToSignInSaysNoTokenReachedIap() {
    frontend.statuses(new FakeFrontend.Reply(302, "text/html", "",
        Map.of("Location", "https://accounts.google.com/o/oauth2/v2/auth?client_id=x")));

    Result result = smoke(new FakePublisher(() -> { }));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("at status", "HTTP 302", "Google's sign-in", "sent: no token",
        "--iap-audience CLIENT_ID or --token");
  }

  @Test
  void theTimeoutNamesWhereTheWakeStood() {
    frontend.statuses(phase("ASLEEP"));
    FakePublisher publisher = new FakePublisher(() -> frontend.statuses(waking("pulling-image")));
    args.put("--timeout", "3s");

    Result result = smoke(publisher);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).matches("smoke FAILED at wake after " + TIME + ": not AWAKE within the --timeout; "
        + "Status last said WAKING, stage pulling-image, ETA 12 s\n");
    assertThat(result.err()).as("it ends at the timeout, not later").containsPattern("after [3-5]\\.\\d s");
  }

  @Test
  void theFrontendsOwnErrorIsShownForTheRefusedPrompt() {
    frontend.statuses(awake()).route("/api/generate", exchange -> FakeFrontend.send(exchange,
        new FakeFrontend.Reply(503, "application/json", "{\"error\":\"the GPU did not wake within 600 s\"}", Map.of())));
    args.put("--model", "snooze-demo");

    Result result = smoke(new FakePublisher(() -> { }));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).matches("smoke FAILED at prompt after " + TIME + ": POST " + frontend.url()
        + "/api/generate: HTTP 503 from the frontend: the GPU did not wake within 600 s\n");
  }

  @Test
  void anAnswerThatStallsFailsAtTheTimeout() {
    frontend.statuses(awake()).route("/api/generate", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      FakeFrontend.write(exchange.getResponseBody(), "{\"response\":\"Hel\",\"done\":false}\n");
      try {
        frontend.closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    args.put("--model", "snooze-demo");
    args.put("--timeout", "3s");

    Result result = smoke(new FakePublisher(() -> { }));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).containsPattern("first token +" + TIME);
    assertThat(result.err()).matches("smoke FAILED at answer after " + TIME + ": POST .*/api/generate: the answer did "
        + "not end within the --timeout, 3 bytes in\n");
  }

  @Test
  void anAnswerCutOffBeforeItsEndMarkerFails() {
    frontend.statuses(awake()).route("/api/generate", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      FakeFrontend.write(exchange.getResponseBody(), "{\"response\":\"Hel\",\"done\":false}\n");
    });
    args.put("--model", "snooze-demo");

    Result result = smoke(new FakePublisher(() -> { }));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("at answer", "ended without its end marker (\"done\": true) after 3 bytes");
  }

  @Test
  void anErrorInTheStreamFailsThePromptWithIt() {
    frontend.statuses(awake()).route("/api/generate", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      FakeFrontend.write(exchange.getResponseBody(), "{\"error\":\"model 'nope' not found\"}\n");
    });
    args.put("--model", "nope");

    Result result = smoke(new FakePublisher(() -> { }));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("at first token", "the backend answered an error: model 'nope' not found");
  }

  @Test
  void statusThatStaysUnavailableFailsAfterItsGrace() {
    frontend.statuses(noFunction());
    FakePublisher publisher = new FakePublisher(() -> { });
    limits = new Limits(Duration.ofMillis(300), Duration.ofMinutes(2));

    Result result = smoke(publisher);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).containsPattern("status +" + TIME + "  unavailable \\(the frontend has no Status to show.*"
        + "publishing anyway");
    assertThat(publisher.published).hasSize(1);
    assertThat(result.err()).startsWith("smoke FAILED at status after ").contains("\"function\": null");
  }

  @Test
  void aFrontendThatIsNotThereFailsBeforeAnythingIsWoken() {
    String gone = frontend.url();
    frontend.close();
    FakePublisher publisher = new FakePublisher(() -> { });

    Result result = smoke(publisher);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).startsWith("smoke FAILED at status after ")
        .contains("cannot read " + gone + "/snooze/status: ConnectException", "is --frontend right, and reachable from here?");
    assertThat(publisher.published).isEmpty();
  }

  @Test
  void aGpuStillAsleepLongAfterThePublishPointsAtTheTopic() {
    frontend.statuses(phase("ASLEEP"));
    limits = new Limits(Duration.ofSeconds(60), Duration.ofMillis(300));

    Result result = smoke(new FakePublisher(() -> { }));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("at wake", "still ASLEEP", "after publishing", "Is --topic the deployment's");
  }

  @Test
  void aWakeThatEndsAsleepFails() {
    frontend.statuses(phase("ASLEEP"));
    FakePublisher publisher = new FakePublisher(() -> frontend.statuses(phase("ASLEEP"), waking("booting"),
        failing("ASLEEP", "WAKE_TIMEOUT", "gave up after 900 s")));

    Result result = smoke(publisher);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("at wake", "went back to ASLEEP before it was AWAKE",
        "last error WAKE_TIMEOUT: gave up after 900 s");
  }

  @Test
  void readsStatusFromTheStatusFunctionItselfWhenToldWhere() {
    frontend.statuses(new FakeFrontend.Reply(500, "text/plain", "the frontend's Status must not be read", Map.of()))
        .ollama("ok");
    AtomicReference<String> phase = new AtomicReference<>("ASLEEP");
    frontend.route("/function/status", exchange -> FakeFrontend.send(exchange, FakeFrontend.Reply.json(
        FakeFrontend.view(phase.get(), phase.get().equals("AWAKE") ? "ready" : null, null).toString())));
    args.put("--status-url", frontend.url() + "/function/status");
    args.put("--token", TOKEN);

    Result result = smoke(new FakePublisher(() -> phase.set("AWAKE")));

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains(", Status from " + frontend.url() + "/function/status")
        .containsPattern("status +" + TIME + "  ASLEEP").containsPattern("AWAKE +" + TIME);
    assertThat(frontend.seen()).filteredOn(seen -> seen.path().equals("/function/status")).isNotEmpty()
        .allSatisfy(seen -> assertThat(seen.authorization()).as("the frontend's token is not the function's").isNull());
    assertThat(frontend.seen()).filteredOn(seen -> seen.path().startsWith("/api/"))
        .allSatisfy(seen -> assertThat(seen.authorization()).isEqualTo("Bearer " + TOKEN));
    assertThat(frontend.seen()).noneMatch(seen -> seen.path().equals("/snooze/status"));
  }

  @Test
  void aPhaseThisSmokeDoesNotKnowIsShownAndWaitedThrough() {
    frontend.statuses(phase("ASLEEP")).ollama("ok");
    FakePublisher publisher = new FakePublisher(() -> frontend.statuses(phase("ASLEEP"), phase("SLEEPING"),
        phase("RESUMING"), waking("ready"), awake()));

    Result result = smoke(publisher);

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).containsPattern("SLEEPING +" + TIME).containsPattern("RESUMING +" + TIME)
        .containsPattern("WAKING +" + TIME).containsPattern("AWAKE +" + TIME);
  }
}
