package dev.snooze.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.snooze.cli.Snooze;
import dev.snooze.cli.cost.Deployment.Disk;
import dev.snooze.cli.cost.Deployment.Offer;
import dev.snooze.cli.cost.Deployment.SleepMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostCommandTest {
  /** Tests run in the cli module: the repository's own Terraform is beside it. */
  static final Path TERRAFORM = Path.of("..", "terraform");

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  static Run cost(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] command = new String[args.length + 1];
    command[0] = "cost";
    System.arraycopy(args, 0, command, 1, args.length);
    int exit = Snooze.run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path tfvars(String text) throws Exception {
    Path file = dir.resolve("terraform.tfvars");
    Files.writeString(file, text);
    return file;
  }

  /** Round prices, so that the bill below can be worked out by hand. */
  static final String ROUND_PRICES = """
      {"date": "2026-12-03", "currency": "USD", "hoursPerMonth": 730,
       "sources": [{"what": "round figures for a test", "url": "https://example.com/prices"}],
       "global": {"forwardingRules": {"firstFivePerHour": 0.025, "additionalPerHour": 0.01}},
       "regions": {"europe-west4": {
         "machines": {"e2-small": {"onDemand": 0.02},
                      "g2-standard-8": {"onDemand": 0.9, "spot": 0.5, "includedGpus": {"nvidia-l4": 1}},
                      "n1-standard-4": {"onDemand": 0.2, "spot": 0.1}},
         "gpus": {"nvidia-tesla-t4": {"onDemand": 0.4, "spot": 0.2}},
         "disks": {"pd-balanced": 0.1},
         "natPerVmHour": 0.002, "natIpPerHour": 0.005, "internalAlbProxyPerHour": 0.03}}}
      """;

  static Deployment deployment(SleepMode mode, int desired, int max, int globalRules, List<Offer> offers) {
    return new Deployment("test", "europe-west4", offers, mode, desired, max, "e2-small", 1, new Disk("pd-balanced", 10),
        new Disk("pd-balanced", 200), globalRules, 1, 1);
  }

  @Test
  void theMonthAsleepIsEachPartAtItsUnitPriceAddedUp() throws Exception {
    PriceTable prices = PriceTable.parse(ROUND_PRICES, "round");
    Bill bill = Bill.of(deployment(SleepMode.STOP, 2, 3, 2,
        List.of(new Offer("l4-spot", "g2-standard-8", "nvidia-l4", 1, true))), prices);

    // By hand, 730 h a month:
    //   frontend e2-small        730 h × 0.02             = 14.60
    //   its disk                 10 GB × 0.10             =  1.00
    //   2 global rules           730 h × 0.025 (first 5)  = 18.25
    //   the address in use       no charge                =  0.00
    //   internal LB proxy        730 h × 0.03             = 21.90
    //   NAT, the frontend VM     730 h × 0.002            =  1.46
    //   NAT's IP                 730 h × 0.005            =  3.65
    //   2 stopped GPU disks      2 × 200 GB × 0.10        = 40.00
    //                                                total 100.86
    assertThat(bill.asleep()).extracting(Bill.Line::monthly)
        .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-9 ? 0 : Double.compare(a, b))
        .containsExactly(14.60, 1.00, 18.25, 0.0, 21.90, 1.46, 3.65, 40.00);
    assertThat(bill.asleepTotal()).isCloseTo(100.86, within(1e-9));
    // Awake, one spot VM: 0.5 (the L4 included) + 0.002 NAT; its disk is in the month already.
    assertThat(bill.awake().get(0).perVm()).isCloseTo(0.502, within(1e-9));
    // 20 h at desired_size 2: 20 × 0.502 × 2 = 20.08.
    assertThat(bill.awakeHours(20)).isCloseTo(20.08, within(1e-9));
    // Asleep after a scale-out to 3: 3 × 200 GB × 0.10 = 60.00.
    assertThat(bill.stoppedDisksAtMax()).isCloseTo(60.00, within(1e-9));
  }

  @Test
  void sevenGlobalRulesPayTheMinimumAndTwoAdditionalOnes() throws Exception {
    Bill bill = Bill.of(deployment(SleepMode.DELETE, 1, 1, 7,
        List.of(new Offer("t4", "n1-standard-4", "nvidia-tesla-t4", 2, false))), PriceTable.parse(ROUND_PRICES, "round"));

    // 0.025 + 2 × 0.01 = 0.045 /h × 730 = 32.85; no stopped disks in delete mode.
    assertThat(bill.asleep().get(2).monthly()).isCloseTo(32.85, within(1e-9));
    assertThat(bill.asleep()).noneMatch(line -> line.part().contains("stopped"));
    // On-demand n1-standard-4 0.2 + 2 × T4 0.4 + disk while it exists 200 GB × 0.10 / 730 h + NAT 0.002.
    assertThat(bill.awake().get(0).perVm()).isCloseTo(0.2 + 0.8 + 20.0 / 730 + 0.002, within(1e-9));
  }

  @Test
  void theDefaultsAreTheRepositorysTerraform() throws Exception {
    Deployment defaults = TerraformReader.read(TERRAFORM, null);

    assertThat(defaults.region()).isEqualTo("us-central1");
    assertThat(defaults.offers()).containsExactly(new Offer("gpu", "g2-standard-8", "nvidia-l4", 1, false));
    assertThat(defaults.sleepMode()).isEqualTo(SleepMode.DELETE);
    assertThat(defaults.desiredSize()).isEqualTo(1);
    assertThat(defaults.maxSize()).isEqualTo(1);
    // The frontend's machine type is the frontend module's default, whatever it is today.
    Matcher machine = Pattern.compile("variable \"machine_type\" \\{[^}]*?default\\s*=\\s*\"([^\"]+)\"", Pattern.DOTALL)
        .matcher(Files.readString(TERRAFORM.resolve("modules/frontend/variables.tf")));
    assertThat(machine.find()).isTrue();
    assertThat(defaults.frontendMachineType()).isEqualTo(machine.group(1));
    assertThat(defaults.frontendVms()).isEqualTo(1);
    assertThat(defaults.frontendDisk()).isEqualTo(new Disk("pd-balanced", 10));
    assertThat(defaults.gpuDisk()).isEqualTo(new Disk("pd-balanced", 200));
    assertThat(defaults.globalForwardingRules()).isEqualTo(2);
    assertThat(defaults.internalLoadBalancers()).isEqualTo(1);
    assertThat(defaults.natGateways()).isEqualTo(1);
  }

  @Test
  void theDefaultsArePricedLineByLineWithTheTablesDateAndSources() {
    Run run = cost("--terraform", TERRAFORM.toString(), "--tfvars", "none", "--hours-awake", "20");

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("prices of 2026-12-03, built-in", "frontend VM ", "730 h",
        "frontend boot disk, 10 GB pd-balanced", "2 global forwarding rules", "internal load balancer",
        "Cloud NAT gateway", "total", "gpu: g2-standard-8 + 1 × nvidia-l4, on-demand", "20 h awake a month on gpu",
        "https://cloud.google.com/load-balancing/pricing");
    assertThat(run.out()).doesNotContain("stopped GPU VMs");
  }

  @Test
  void spotOffersAndStopModeCountTheStoppedVmsDisks() throws Exception {
    Path file = tfvars("""
        # spot first, then on-demand
        region     = "us-central1"
        gpu_offers = [
          { name = "l4-spot", machine_type = "g2-standard-8", gpu_type = "nvidia-l4", provisioning_model = "SPOT" },
          {
            name         = "gpu"   // on-demand
            machine_type = "g2-standard-8"
            gpu_type     = "nvidia-l4"
          },
        ]
        sleep_mode   = "stop"
        desired_size = 2
        max_size     = 3
        """);

    Run run = cost("--terraform", TERRAFORM.toString(), "--tfvars", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    // 2 × 200 GB × 0.10 = 40.00 a month; the spot VM 0.479872 + NAT 0.0014 = 0.4813 an hour, × 2 = 0.96.
    assertThat(run.out()).contains("disks of the stopped GPU VMs: 2 × 200 GB pd-balanced", "400 GB-month", "40.00",
        "l4-spot: g2-standard-8 + 1 × nvidia-l4, spot", "0.4813 /h", "0.96 /h",
        "gpu: g2-standard-8 + 1 × nvidia-l4, on-demand", "overlaid by " + file);
    // The note is wrapped: read it as one line.
    assertThat(run.out().replaceAll("\\s+", " ")).contains("up to max_size 3 disks, 60.00 a month");
  }

  @Test
  void theShippedExampleIsReadable() {
    Run run = cost("--terraform", TERRAFORM.toString(), "--tfvars",
        TERRAFORM.resolve("terraform.tfvars.example").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("t4: n1-standard-8 + 1 × nvidia-tesla-t4, on-demand");
  }

  /** The repository's Terraform with one offer in europe-west4. */
  Run europeWest4Offer(String offer) throws Exception {
    Path file = tfvars("region = \"europe-west4\"\ngpu_offers = [" + offer + "]\n");
    return cost("--terraform", TERRAFORM.toString(), "--tfvars", file.toString());
  }

  @Test
  void aMachineTypeWithoutAPriceIsNamedAndNothingIsPriced() throws Exception {
    Run run = europeWest4Offer("{ name = \"a100\", machine_type = \"a2-highgpu-1g\", gpu_type = \"nvidia-tesla-a100\" }");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("snooze cost: no price for machine type a2-highgpu-1g in region europe-west4 in "
        + "the price table (prices of 2026-12-03, built-in); add it under regions.europe-west4.machines or pass "
        + "--prices FILE with it\n");
  }

  @Test
  void aRegionWithoutPricesIsNamed() throws Exception {
    Run run = cost("--terraform", TERRAFORM.toString(), "--tfvars", tfvars("region = \"asia-east1\"\n").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("snooze cost: no prices for region asia-east1 in the price table (prices of "
        + "2026-12-03, built-in); add regions.asia-east1 or pass --prices FILE with it\n");
  }

  @Test
  void aGpuOrDiskWithoutAPriceIsNamed() throws Exception {
    Run run = europeWest4Offer("{ name = \"t4\", machine_type = \"n1-standard-4\", gpu_type = \"nvidia-tesla-t4\" }");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("no price for GPU type nvidia-tesla-t4 in region europe-west4",
        "add it under regions.europe-west4.gpus");
    assertThatThrownBy(() -> PriceTable.builtIn().disk("us-central1", "hyperdisk-ml"))
        .hasMessageContaining("no price for disk type hyperdisk-ml in region us-central1")
        .hasMessageContaining("regions.us-central1.disks");
  }

  @Test
  void aMalformedTfvarsNamesTheFileAndLine() throws Exception {
    Path file = tfvars("""
        desired_size = 2
        sleep_mode   = stop
        """);

    Run run = cost("--terraform", TERRAFORM.toString(), "--tfvars", file.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("snooze cost: " + file + ":2: 'stop' is not a value (a quoted \"string\"?)");
  }

  @Test
  void tfvarsExpressionsAndUnclosedBracketsAreRefusedWithTheirLine() {
    assertThatThrownBy(() -> Hcl.tfvars("region = \"us-central1\"\nzones = [for z in var.zones : z]\n", "x.tfvars"))
        .hasMessageStartingWith("x.tfvars:2: ");
    assertThatThrownBy(() -> Hcl.tfvars("a = 1\n\ngpu_offers = [\n  { name = \"x\" }\n", "x.tfvars"))
        .hasMessageStartingWith("x.tfvars:5: ");
    assertThatThrownBy(() -> Hcl.tfvars("name = \"snooze-${terraform.workspace}\"\n", "x.tfvars"))
        .hasMessageStartingWith("x.tfvars:1: a string with ${ … }");
  }

  @Test
  void badOptionsAreNamed() {
    assertThat(cost("--hours-awake", "lots").err()).contains("--hours-awake lots: each value must be a number of hours");
    assertThat(cost("--bogus", "1").exit()).isEqualTo(2);
    assertThat(cost("--terraform", "/nonexistent").err())
        .isEqualTo("snooze cost: no Terraform in /nonexistent (it has no variables.tf): pass --terraform DIR, the "
            + "folder of Snooze's main.tf and variables.tf\n");
    assertThat(cost("--help").out()).contains("--tfvars FILE", "--prices FILE", "--hours-awake N", "--terraform DIR");
  }
}
