package dev.snooze.cli;

import dev.snooze.cli.cost.CostCommand;
import dev.snooze.cli.plan.PlanCommand;
import dev.snooze.cli.smoke.SmokeCommand;
import java.io.PrintStream;
import java.util.Arrays;

/** {@code java -jar snooze.jar <command> …}: one short class per command. */
public final class Snooze {
  static final String USAGE = """
      usage: java -jar snooze.jar <command> [options]

        plan   replay a request log through Snooze's own decisions for a sweep of settings:
               GPU hours, cost, cold starts and waits per setting, a plot and an HTML report
        smoke  wake a deployment through its topic, watch Status, send one prompt, time each step
        cost   the month's bill while the GPU sleeps, line by line, and each GPU offer's hour awake,
               from the Terraform's settings and a dated price table

      java -jar snooze.jar <command> --help lists a command's options.
      """;

  private Snooze() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** @return the process exit code: 0 done, 1 failed, 2 bad usage */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "plan" -> PlanCommand.run(rest, out, err);
      case "smoke" -> SmokeCommand.run(rest, out, err);
      case "cost" -> CostCommand.run(rest, out, err);
      default -> {
        err.print("unknown command '" + args[0] + "'\n\n" + USAGE);
        yield 2;
      }
    };
  }
}
