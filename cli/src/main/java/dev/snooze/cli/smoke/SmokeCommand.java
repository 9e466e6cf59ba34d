package dev.snooze.cli.smoke;

import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code snooze smoke}: against a deployment (or the local stack), publish to the activity topic,
 * watch Status go WAKING -> AWAKE, send one prompt through the frontend and report each step's
 * time. What a user runs after {@code terraform apply}. {@code --help} lists the options.
 */
public final class SmokeCommand {
  private SmokeCommand() {}

  /** @return the exit code: 0 done, 1 failed, 2 bad usage */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.getenv(), Limits.DEFAULT,
        options -> new PubsubActivityPublisher(options.project(), options.topic(), options.pubsubEmulator()));
  }

  /** With the environment, the limits and the publisher a test gives. */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Limits limits,
      Function<SmokeOptions, ActivityPublisher> publishers) {
    SmokeOptions options;
    try {
      options = SmokeOptions.parse(args, env);
    } catch (UsageException e) {
      err.println("snooze smoke: " + e.getMessage());
      err.println("java -jar snooze.jar smoke --help lists the options");
      return 2;
    }
    if (options == null) {
      out.print(SmokeOptions.HELP);
      return 0;
    }
    Report report = new Report(out);
    try {
      new Smoke(options, report, publishers.apply(options), limits).run();
      return 0;
    } catch (SmokeFailure e) {
      err.println("smoke FAILED at " + e.step() + " after " + Report.seconds(report.elapsed()) + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("smoke interrupted after " + Report.seconds(report.elapsed()));
      return 1;
    } catch (RuntimeException e) {
      // A bug or a library's surprise: still a failed smoke with its time, not a stack trace.
      err.println("smoke FAILED after " + Report.seconds(report.elapsed()) + ": " + e);
      return 1;
    }
  }
}
