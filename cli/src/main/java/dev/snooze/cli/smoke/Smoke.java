package dev.snooze.cli.smoke;

import dev.snooze.activity.ActivityMessage;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One smoke run, step by step: mint the token (if asked), read Status, publish to the topic
 * (unless the GPU is already AWAKE), watch Status until AWAKE, pick the model, send the prompt and
 * time its first token and its end. Every step prints its line as it completes; the first to fail
 * ends the run with a {@link SmokeFailure} naming it.
 */
final class Smoke {
  /** The {@code source} of the published message, as Wake logs and Status's history show it. */
  static final String SOURCE = "smoke";

  private final SmokeOptions options;
  private final Report report;
  private final ActivityPublisher publisher;
  private final TokenSource frontendTokens;
  private final TokenSource statusTokens;
  private final StatusClient status;
  private final PromptClient prompt;
  private final Limits limits;

  Smoke(SmokeOptions options, Report report, ActivityPublisher publisher, Limits limits) {
    this.options = options;
    this.report = report;
    this.publisher = publisher;
    this.limits = limits;
    Http http = new Http();
    frontendTokens = options.iapAudience() != null ? new AdcIdToken(options.iapAudience(), "IAP's OAuth client")
        : options.token() != null ? TokenSource.fixed(options.token(), options.tokenFrom())
        : TokenSource.none();
    if (options.statusUrl() == null) {
      statusTokens = frontendTokens;
    } else if (options.statusUrl().getScheme().equals("https")) {
      // A Cloud Run function takes an ID token whose audience is its URL, from an identity with run.invoker.
      statusTokens = new AdcIdToken(options.statusUrl().toString(), "the Status function");
    } else {
      statusTokens = TokenSource.none();
    }
    status = new StatusClient(http, options.statusEndpoint(), statusTokens, options.statusUrl() != null);
    prompt = new PromptClient(http, options.frontend(), frontendTokens, options.api());
  }

  void run() throws SmokeFailure, InterruptedException {
    Deadline deadline = Deadline.after(options.timeout());
    report.line("snooze smoke: " + options.frontend() + " (" + options.api().wire() + " API), topic "
        + publisher.describe() + ", timeout " + SmokeOptions.human(options.timeout())
        + (options.statusUrl() == null ? "" : ", Status from " + options.statusUrl()));
    if (!frontendTokens.mints() && !statusTokens.mints()) {
      report.line("auth: " + frontendTokens.describe());
    }
    mintTokens();

    StatusReading before = null;
    try {
      before = status.read(deadline);
      report.step("status", before.describe());
    } catch (StatusClient.Unavailable e) {
      if (!e.reached()) {
        // Nothing answers there: a wrong URL, most likely. A wake now would be paid for and never seen.
        throw new SmokeFailure("status", e.getMessage() + ": is " + (options.statusUrl() == null ? "--frontend"
            : "--status-url") + " right, and reachable from here?");
      }
      report.step("status", "unavailable (" + e.getMessage() + "): publishing anyway");
    }

    Duration wake = null;
    if (before != null && before.phase().equals(StatusReading.AWAKE)) {
      report.line("the GPU is already AWAKE: nothing to wake, on to the prompt");
    } else {
      if (before != null) {
        WakeWatch.failIfStuck(before); // publishing would not help: say why now
      }
      long published = System.nanoTime();
      // A request with none in flight, not an intent: Wake logs it and Status's history shows it as
      // "activity from smoke", where an intent would read "a page opened". Either wakes the GPU.
      String id = publisher.publish(ActivityMessage.request(SOURCE, 0));
      report.step("published", "message " + id + " to " + publisher.describe());
      long awake = new WakeWatch(status, report, options.poll(), limits, before).untilAwake(published, deadline);
      wake = Duration.ofNanos(awake - published);
    }

    String model = options.model();
    if (model == null) {
      List<String> models = prompt.models(deadline);
      if (models.isEmpty()) {
        throw new SmokeFailure("model", "the backend lists no model (" + options.api().modelsPath()
            + "): give --model NAME");
      }
      model = models.get(0);
      report.step("model", model + " (the first of " + models.size() + " the backend lists)");
    }
    PromptClient.Answer answer = prompt.send(model, options.prompt(), deadline,
        firstToken -> report.step("first token", Report.seconds(firstToken) + " after sending the prompt"));
    report.step("answer complete", Report.seconds(answer.complete()) + " after sending, " + answer.bytes()
        + " bytes: " + Report.quote(answer.text()));
    if (answer.coldStart() && wake != null) {
      report.note("the frontend held the prompt for the backend's readiness after Status said AWAKE");
    }
    report.line("smoke passed in " + Report.seconds(report.elapsed()) + ": "
        + (wake == null ? "the GPU was already AWAKE" : "wake " + Report.seconds(wake) + " (published -> AWAKE)")
        + ", first token " + Report.seconds(answer.firstToken()) + ", answer " + Report.seconds(answer.complete())
        + " (" + answer.bytes() + " bytes)");
  }

  /** A minted token is a step of its own: the first thing to fail in a fresh setup, and worth its time. */
  private void mintTokens() throws SmokeFailure {
    Set<TokenSource> minted = new LinkedHashSet<>(List.of(frontendTokens, statusTokens));
    for (TokenSource tokens : minted) {
      if (tokens.mints()) {
        tokens.token();
        report.step("token", tokens.describe());
        if (tokens.note() != null) {
          report.note(tokens.note());
        }
      }
    }
  }
}
