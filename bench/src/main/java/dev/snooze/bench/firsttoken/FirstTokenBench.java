package dev.snooze.bench.firsttoken;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.snooze.bench.BenchStack;
import dev.snooze.bench.Console;
import dev.snooze.bench.FirstToken;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * P6, first token: what a person waits from opening the page to the first streamed token of a
 * prompt typed {@code T} seconds later, on a local stack whose simulated GPU VMs boot through the
 * stages with GCE's orders of magnitude ({@code SNOOZE_SIM_STAGE_PRESET=realistic}): once without
 * wake on intent (the prompt wakes the GPU, as before) and once with it (opening the page does),
 * beside the sum of the stage times of that very wake, from Status. Goals: the first token no
 * later than 2 s after the stages end; with wake on intent, the wait after pressing Send shorter
 * by T, less at most 2 s.
 */
public final class FirstTokenBench {
  private static final String PROMPT = "{\"model\":\"snooze-demo\",\"prompt\":\"the first token, please\"}";
  private static final Duration CHECK = Duration.ofSeconds(5);
  private static final Duration GOAL_AFTER_STAGES = Duration.ofSeconds(2);

  /**
   * One round, on the wall clock.
   *
   * @param stagesEnded when the VM reported {@code ready} (its model loaded)
   * @param stageSeconds the six stages' seconds in this wake, provisioning … loading-model
   */
  record Round(boolean intent, Instant opened, Instant sent, Instant firstToken, Instant stagesEnded,
      List<Double> stageSeconds) {

    double openToFirst() {
      return seconds(opened, firstToken);
    }

    double sendToFirst() {
      return seconds(sent, firstToken);
    }

    double stageSum() {
      return stageSeconds.stream().mapToDouble(Double::doubleValue).sum();
    }

    double afterStages() {
      return seconds(stagesEnded, firstToken);
    }
  }

  public static void main(String[] args) throws Exception {
    Path logs = Path.of(args.length > 0 ? args[0] : "bench/target/logs/p6");
    Duration typing = Duration.ofSeconds(Long.parseLong(args.length > 1 ? args[1] : "60"));
    String stages = args.length > 2 ? args[2] : "";
    PrintStream out = Console.takeOver(logs.resolve("driver.log"));
    Instant began = Instant.now();
    Duration idle = typing.plusSeconds(30);
    Map<String, String> knobs = new HashMap<>(Map.of(
        "SNOOZE_OFFERS", "snooze-gpu@us-central1:STANDARD",
        "SNOOZE_SIM_STAGE_PRESET", "realistic",
        "SNOOZE_IDLE_TIMEOUT", idle.toString(),
        "SNOOZE_SLEEP_CHECK_INTERVAL", CHECK.toString(),
        "SNOOZE_WAKE_ON", "open"));
    if (!stages.isBlank()) {
      knobs.put("SNOOZE_SIM_STAGES", stages);
    }
    out.println("P6 starting the local stack with the realistic stage preset" + (stages.isBlank() ? "" : " (" + stages
        + ")") + ", idle timeout " + idle.toSeconds() + " s, a prompt typed " + typing.toSeconds()
        + " s after the page opens (logs in " + logs.toAbsolutePath() + ")");
    try (BenchStack stack = BenchStack.start(knobs, logs)) {
      FirstToken prompt = new FirstToken(stack.frontend().resolve("/api/generate"), PROMPT, Duration.ofMinutes(15));
      List<Round> rounds = new ArrayList<>();
      for (boolean intent : new boolean[] {false, true}) {
        stack.awaitPhase("ASLEEP", Duration.ofMinutes(15));
        Round round = round(stack, prompt, intent, typing);
        rounds.add(round);
        out.printf(Locale.ROOT, "P6 %s: page opened, prompt sent %.0f s later, first token %.2f s after opening,"
                + " %.2f s after Send; this wake's stages %s = %.2f s, first token %.2f s after they ended%n",
            intent ? "with wake on intent   " : "without wake on intent", seconds(round.opened(), round.sent()),
            round.openToFirst(), round.sendToFirst(), round.stageSeconds(), round.stageSum(), round.afterStages());
      }
      report(out, rounds.get(0), rounds.get(1), typing);
      out.printf(Locale.ROOT, "P6 total run time %.0f s%n", seconds(began, Instant.now()));
    }
  }

  /** Opens the page (an intent, or nothing), waits as a person writing, sends, times the first token. */
  private static Round round(BenchStack stack, FirstToken prompt, boolean intent, Duration typing)
      throws IOException, InterruptedException {
    Instant opened = Instant.now();
    if (intent) {
      intent(stack.frontend());
    }
    Thread.sleep(typing.toMillis()); // the person writing the first prompt: the scenario, not a wait for a condition
    FirstToken.Answer<Void> answer = prompt.send(() -> null);
    JsonObject boot = stack.status().getAsJsonObject("boot");
    if (boot == null || !"ready".equals(boot.get("stage").getAsString())) {
      throw new IllegalStateException("Status does not say ready after the first token: " + boot);
    }
    List<Double> seconds = new ArrayList<>();
    for (JsonElement stage : boot.getAsJsonArray("stages")) {
      JsonElement s = stage.getAsJsonObject().get("seconds");
      if (!s.isJsonNull()) {
        seconds.add(s.getAsDouble());
      }
    }
    return new Round(intent, opened, answer.sent(), answer.firstToken(),
        Instant.parse(boot.get("stageSince").getAsString()), seconds);
  }

  private static void report(PrintStream out, Round without, Round with, Duration typing) {
    double t = typing.toSeconds();
    double saved = without.sendToFirst() - with.sendToFirst();
    out.println();
    out.println("| wake | open → first token | Send → first token | sum of this wake's stages | first token after the stages ended |");
    out.println("|---|---|---|---|---|");
    for (Round r : List.of(without, with)) {
      out.printf(Locale.ROOT, "| %s | %.1f s | %.1f s | %.1f s | %.2f s |%n", r.intent() ? "on intent (page opened)"
          : "on the prompt", r.openToFirst(), r.sendToFirst(), r.stageSum(), r.afterStages());
    }
    out.println();
    boolean afterStages = without.afterStages() <= GOAL_AFTER_STAGES.toSeconds()
        && with.afterStages() <= GOAL_AFTER_STAGES.toSeconds();
    boolean shrinks = saved >= t - GOAL_AFTER_STAGES.toSeconds();
    out.printf(Locale.ROOT, "P6 goal: first token <= 2 s after the stages end: %.2f s and %.2f s: %s%n",
        without.afterStages(), with.afterStages(), afterStages ? "MET" : "NOT MET");
    out.printf(Locale.ROOT, "P6 goal: with wake on intent the wait after Send shrinks by T = %.0f s, less at most 2 s:"
        + " it shrank by %.1f s: %s%n", t, saved, shrinks ? "MET" : "NOT MET");
  }

  /** What the page sends when it is opened. */
  private static void intent(URI frontend) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            frontend.resolve("/snooze/intent")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"trigger\":\"open\"}")).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 204) {
      throw new IOException("POST /snooze/intent answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
