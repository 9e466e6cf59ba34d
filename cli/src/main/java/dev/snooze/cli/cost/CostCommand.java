package dev.snooze.cli.cost;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code snooze cost}: the bill of a deployment while nothing is awake, and what each GPU offer adds
 * per hour awake, from the Terraform's own settings and a dated price table.
 */
public final class CostCommand {
  static final String USAGE = """
      usage: java -jar snooze.jar cost [options]

      Prints what a Snooze deployment costs each month while the GPU sleeps, line by line (unit
      price, quantity, total), and what each GPU offer adds per hour awake, at list prices. The
      settings are read from the Terraform: the variables' defaults, overlaid by a tfvars file, and
      what the modules fix (the frontend's machine type and disk, the GPU VMs' disk, the forwarding
      rules and NAT they declare).

        --terraform DIR     Snooze's Terraform folder (default: terraform, else ../terraform)
        --tfvars FILE       the deployment's settings over the defaults (default: DIR/terraform.tfvars
                            when it exists); none: the shipped defaults alone
        --prices FILE       a price table in the built-in one's shape (JSON: date, currency, sources,
                            regions.REGION.machines / gpus / disks, …) instead of the built-in one
        --hours-awake N     also say what N hours awake a month on the first offer add; a
                            comma-separated list or repeated (e.g. 20,100)

      Exit codes: 0 priced, 2 bad usage or input (a file it cannot read, a setting or a price it
      does not have: the message says which, and how to fix it).
      """;

  private CostCommand() {}

  /** The command line, read. */
  record Options(Path terraform, Path tfvars, boolean defaultsOnly, Path prices, List<Double> hoursAwake, boolean help) {}

  /** @return the exit code: 0 done, 2 bad usage or input */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      Options options = parse(args);
      if (options.help()) {
        out.print(USAGE);
        return 0;
      }
      Path terraform = options.terraform() != null ? options.terraform()
          : Files.isDirectory(Path.of("terraform")) ? Path.of("terraform") : Path.of("..", "terraform");
      Path tfvars = options.tfvars();
      if (tfvars == null && !options.defaultsOnly() && Files.isRegularFile(terraform.resolve("terraform.tfvars"))) {
        tfvars = terraform.resolve("terraform.tfvars");
      }
      PriceTable prices = options.prices() != null ? PriceTable.read(options.prices()) : PriceTable.builtIn();
      Bill bill = Bill.of(TerraformReader.read(terraform, tfvars), prices);
      CostReport.lines(bill, options.hoursAwake()).forEach(out::println);
      return 0;
    } catch (CostInputException e) {
      err.println("snooze cost: " + e.getMessage());
      return 2;
    }
  }

  static Options parse(String[] args) throws CostInputException {
    Path terraform = null;
    Path tfvars = null;
    boolean defaultsOnly = false;
    Path prices = null;
    List<Double> hours = new ArrayList<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new CostInputException("unexpected argument " + arg + " (cost --help lists the options)");
      }
      String name = arg.contains("=") ? arg.substring(2, arg.indexOf('=')) : arg.substring(2);
      String value;
      if (arg.contains("=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new CostInputException("--" + name + " needs a value (cost --help lists the options)");
      }
      switch (name) {
        case "terraform" -> terraform = Path.of(value);
        case "tfvars" -> {
          defaultsOnly = value.equals("none");
          tfvars = defaultsOnly ? null : Path.of(value);
        }
        case "prices" -> prices = Path.of(value);
        case "hours-awake" -> {
          for (String part : value.split(",")) {
            try {
              double h = Double.parseDouble(part.strip());
              if (!(h >= 0 && h <= 744)) {
                throw new NumberFormatException();
              }
              hours.add(h);
            } catch (NumberFormatException e) {
              throw new CostInputException("--hours-awake " + value + ": each value must be a number of hours from 0 "
                  + "to 744 (a month), e.g. --hours-awake 20,100");
            }
          }
        }
        default -> throw new CostInputException("unknown option --" + name + " (cost --help lists them)");
      }
    }
    return new Options(terraform, tfvars, defaultsOnly, prices, List.copyOf(hours), help);
  }
}
