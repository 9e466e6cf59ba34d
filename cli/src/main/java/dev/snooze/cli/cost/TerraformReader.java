package dev.snooze.cli.cost;

import dev.snooze.cli.cost.Deployment.Disk;
import dev.snooze.cli.cost.Deployment.Offer;
import dev.snooze.cli.cost.Deployment.SleepMode;
import dev.snooze.cli.cost.Hcl.Attribute;
import dev.snooze.cli.cost.Hcl.Block;
import dev.snooze.cli.cost.Hcl.Body;
import dev.snooze.cli.cost.Hcl.Expr;
import dev.snooze.cli.cost.Hcl.Num;
import dev.snooze.cli.cost.Hcl.Obj;
import dev.snooze.cli.cost.Hcl.Str;
import dev.snooze.cli.cost.Hcl.Tuple;
import dev.snooze.cli.cost.Hcl.Value;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a {@link Deployment} from Snooze's Terraform as shipped: the root variables' defaults,
 * overlaid by a tfvars file, then what the modules themselves fix (the frontend's machine type and
 * disk, the GPU VMs' disk, the forwarding rules and NAT gateways they declare). Reading the modules
 * rather than copying their values here keeps the bill on whatever the Terraform says today.
 */
final class TerraformReader {
  private static final Pattern VAR_REFERENCE = Pattern.compile("var\\.([A-Za-z_][A-Za-z0-9_-]*)");

  /** A setting's value and where it was read, for messages. */
  private record Located(Value value, String where) {}

  /** A resource block ({@code resource "TYPE" "NAME" { … }}) and where it is. */
  private record Resource(String type, String name, Body body, String where) {}

  /** One Terraform folder's variables, module calls and resources. */
  private record Folder(Path dir, Map<String, Located> defaults, Map<String, Block> modules, List<Resource> resources) {}

  private final Path dir;
  private final Folder root;
  private final Map<String, Located> tfvars = new HashMap<>();
  private final Map<String, Folder> modules = new HashMap<>();

  private TerraformReader(Path dir, Path tfvarsFile) throws CostInputException {
    this.dir = dir;
    if (!Files.isRegularFile(dir.resolve("variables.tf"))) {
      throw new CostInputException("no Terraform in " + dir + " (it has no variables.tf): pass --terraform DIR, "
          + "the folder of Snooze's main.tf and variables.tf");
    }
    this.root = folder(dir);
    if (tfvarsFile != null) {
      String text = readFile(tfvarsFile, "--tfvars");
      try {
        Hcl.tfvars(text, tfvarsFile.toString()).forEach((name, attribute) ->
            tfvars.put(name, new Located(attribute.value(), tfvarsFile + ":" + attribute.line())));
      } catch (Hcl.SyntaxError e) {
        throw new CostInputException(e.getMessage());
      }
    }
  }

  /** @param tfvars a tfvars file over the defaults, or null for the defaults alone */
  static Deployment read(Path terraformDir, Path tfvars) throws CostInputException {
    return new TerraformReader(terraformDir, tfvars).deployment(tfvars);
  }

  private Deployment deployment(Path tfvarsFile) throws CostInputException {
    String region = string(rootVariable("region"), "region");
    List<Offer> offers = offers(rootVariable("gpu_offers"));
    Located mode = rootVariable("sleep_mode");
    SleepMode sleepMode = switch (string(mode, "sleep_mode")) {
      case "delete" -> SleepMode.DELETE;
      case "stop" -> SleepMode.STOP;
      default -> throw new CostInputException("sleep_mode = \"" + string(mode, "sleep_mode") + "\" (" + mode.where()
          + ") must be \"delete\" or \"stop\"");
    };
    int desired = wholeNumber(rootVariable("desired_size"), "desired_size", 1);
    Located max = rootVariable("max_size");
    int maxSize = max.value() instanceof Hcl.Null ? desired : wholeNumber(max, "max_size", 1);
    if (maxSize < desired) {
      throw new CostInputException("max_size = " + maxSize + " (" + max.where() + ") must be at least desired_size ("
          + desired + ")");
    }

    Resource frontendTemplate = resource("frontend", "google_compute_instance_template");
    String frontendMachine = string(resolve("frontend", frontendTemplate.body().attributes().get("machine_type"),
        "the frontend's machine_type"), "the frontend's machine_type");
    Resource frontendMig = resource("frontend", "google_compute_region_instance_group_manager");
    int frontendVms = wholeNumber(resolve("frontend", frontendMig.body().attributes().get("target_size"),
        "the frontend MIG's target_size"), "the frontend MIG's target_size", 0);

    return new Deployment(sources(tfvarsFile), region, offers, sleepMode, desired, maxSize, frontendMachine, frontendVms,
        disk("frontend", frontendTemplate), disk("gpu_backend", resource("gpu_backend", "google_compute_instance_template")),
        count(r -> r.type().equals("google_compute_global_forwarding_rule")),
        count(r -> r.type().equals("google_compute_forwarding_rule") && isLiteral(r, "load_balancing_scheme", "INTERNAL_MANAGED")),
        count(r -> r.type().equals("google_compute_router_nat")));
  }

  private String sources(Path tfvarsFile) {
    String defaults = dir.resolve("variables.tf") + " defaults";
    return tfvarsFile == null ? defaults + " (no tfvars)" : defaults + ", overlaid by " + tfvarsFile;
  }

  // --- the root's settings -----------------------------------------------------------------------

  private Located rootVariable(String name) throws CostInputException {
    Located set = tfvars.get(name);
    if (set != null) {
      return set;
    }
    Located fallback = root.defaults().get(name);
    if (fallback == null) {
      throw new CostInputException(root.dir().resolve("variables.tf") + " has no variable \"" + name
          + "\" with a default, and no tfvars sets it: this snooze cost needs it (an older or newer Terraform?)");
    }
    return fallback;
  }

  private List<Offer> offers(Located located) throws CostInputException {
    if (!(located.value() instanceof Tuple tuple) || tuple.items().isEmpty()) {
      throw new CostInputException("gpu_offers (" + located.where() + ") must be a non-empty list of offers "
          + "[{ name = …, machine_type = …, gpu_type = … }]");
    }
    List<Offer> offers = new ArrayList<>();
    for (Value item : tuple.items()) {
      if (!(item instanceof Obj offer)) {
        throw new CostInputException("each gpu_offers entry (" + located.where() + ") must be an object { name = …, "
            + "machine_type = …, gpu_type = … }");
      }
      String name = field(offer, "name", located, null);
      String model = field(offer, "provisioning_model", located, "STANDARD");
      if (!model.equals("SPOT") && !model.equals("STANDARD")) {
        throw new CostInputException("gpu_offers \"" + name + "\" (" + located.where() + "): provisioning_model must "
            + "be SPOT or STANDARD, not \"" + model + "\"");
      }
      // Defaults as variables.tf's type declares them: optional(number, 1), optional(string, "STANDARD").
      Value count = offer.fields().getOrDefault("gpu_count", new Num(BigDecimal.ONE));
      int gpuCount = wholeNumber(new Located(count, located.where()), "gpu_offers \"" + name + "\" gpu_count", 1);
      offers.add(new Offer(name, field(offer, "machine_type", located, null), field(offer, "gpu_type", located, null),
          gpuCount, model.equals("SPOT")));
    }
    return List.copyOf(offers);
  }

  private static String field(Obj offer, String key, Located located, String fallback) throws CostInputException {
    Value value = offer.fields().get(key);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (!(value instanceof Str str)) {
      throw new CostInputException("a gpu_offers entry (" + located.where() + ") needs " + key + " = \"…\""
          + (value == null ? "" : " as a string"));
    }
    return str.value();
  }

  // --- the modules ---------------------------------------------------------------------------------

  /** The one resource of {@code type} in module {@code module}. */
  private Resource resource(String module, String type) throws CostInputException {
    Folder folder = module(module);
    List<Resource> found = folder.resources().stream().filter(r -> r.type().equals(type)).toList();
    if (found.size() != 1) {
      throw new CostInputException("module " + module + " (" + folder.dir() + ") has " + found.size() + " " + type
          + " resources where snooze cost expects one: it needs updating for this Terraform");
    }
    return found.get(0);
  }

  private Folder module(String name) throws CostInputException {
    Folder folder = modules.get(name);
    if (folder != null) {
      return folder;
    }
    Block call = root.modules().get(name);
    Attribute source = call == null ? null : call.body().attributes().get("source");
    if (source == null || !(source.value() instanceof Str path)) {
      throw new CostInputException(dir + " calls no module \"" + name + "\" with a local source: snooze cost needs it "
          + "(an older or newer Terraform?)");
    }
    folder = folder(dir.resolve(path.value()).normalize());
    modules.put(name, folder);
    return folder;
  }

  /** {@code value}, with {@code var.NAME} resolved as module {@code module} receives it. */
  private Located resolve(String module, Attribute attribute, String what) throws CostInputException {
    Folder folder = module(module);
    if (attribute == null) {
      throw new CostInputException("module " + module + " (" + folder.dir() + ") sets no " + what);
    }
    if (!(attribute.value() instanceof Expr expr)) {
      return new Located(attribute.value(), folder.dir() + " line " + attribute.line());
    }
    Matcher reference = VAR_REFERENCE.matcher(expr.text());
    if (!reference.matches()) {
      throw new CostInputException(what + " in module " + module + " (" + folder.dir() + ", line " + attribute.line()
          + ") is the expression " + expr.text() + ", which snooze cost does not evaluate");
    }
    String variable = reference.group(1);
    Attribute passed = root.modules().get(module).body().attributes().get(variable);
    if (passed != null) {
      // The root passes it: a literal, or one of the root's own variables.
      if (!(passed.value() instanceof Expr rootExpr)) {
        return new Located(passed.value(), dir + " module " + module + " line " + passed.line());
      }
      Matcher rootReference = VAR_REFERENCE.matcher(rootExpr.text());
      if (!rootReference.matches()) {
        throw new CostInputException("module " + module + "'s " + variable + " (" + dir + ", line " + passed.line()
            + ") is the expression " + rootExpr.text() + ", which snooze cost does not evaluate");
      }
      return rootVariable(rootReference.group(1));
    }
    Located fallback = folder.defaults().get(variable);
    if (fallback == null) {
      throw new CostInputException("module " + module + "'s variable " + variable + " has no default and the root "
          + "does not pass it");
    }
    return fallback;
  }

  private Disk disk(String module, Resource template) throws CostInputException {
    List<Block> disks = template.body().blocks("disk");
    if (disks.size() != 1) {
      throw new CostInputException("module " + module + "'s instance template has " + disks.size()
          + " disk blocks where snooze cost expects one");
    }
    Map<String, Attribute> disk = disks.get(0).body().attributes();
    String what = "the " + module + " VMs' disk";
    return new Disk(string(resolve(module, disk.get("disk_type"), what + " type"), what + " type"),
        wholeNumber(resolve(module, disk.get("disk_size_gb"), what + " size"), what + " size", 1));
  }

  private int count(Predicate<Resource> kind) throws CostInputException {
    List<Folder> folders = new ArrayList<>();
    folders.add(root);
    for (Map.Entry<String, Block> call : root.modules().entrySet()) {
      Attribute source = call.getValue().body().attributes().get("source");
      if (source != null && source.value() instanceof Str path && path.value().startsWith(".")) {
        folders.add(module(call.getKey()));
      }
    }
    int count = 0;
    for (Folder folder : folders) {
      for (Resource r : folder.resources()) {
        if (kind.test(r)) {
          if (r.body().attributes().containsKey("count") || r.body().attributes().containsKey("for_each")) {
            throw new CostInputException(r.type() + " \"" + r.name() + "\" (" + r.where()
                + ") has count or for_each, which snooze cost does not evaluate");
          }
          count++;
        }
      }
    }
    return count;
  }

  private static boolean isLiteral(Resource resource, String attribute, String value) {
    Attribute found = resource.body().attributes().get(attribute);
    return found != null && found.value() instanceof Str str && str.value().equals(value);
  }

  // --- files and values ----------------------------------------------------------------------------

  private Folder folder(Path folder) throws CostInputException {
    Map<String, Located> defaults = new HashMap<>();
    Map<String, Block> calls = new HashMap<>();
    List<Resource> resources = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(folder)) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".tf")).sorted().toList();
    } catch (IOException e) {
      throw new CostInputException("cannot read the Terraform folder " + folder + ": " + e.getMessage());
    }
    for (Path file : files) {
      Body body;
      try {
        body = Hcl.terraform(readFile(file, "the Terraform"), file.toString());
      } catch (Hcl.SyntaxError e) {
        throw new CostInputException(e.getMessage());
      }
      for (Block block : body.blocks()) {
        switch (block.type()) {
          case "variable" -> {
            Attribute value = block.body().attributes().get("default");
            if (value != null && !block.labels().isEmpty()) {
              defaults.put(block.labels().get(0), new Located(value.value(), file + ":" + value.line() + " (default)"));
            }
          }
          case "module" -> {
            if (!block.labels().isEmpty()) {
              calls.put(block.labels().get(0), block);
            }
          }
          case "resource" -> {
            if (block.labels().size() == 2) {
              resources.add(new Resource(block.labels().get(0), block.labels().get(1), block.body(),
                  file + ":" + block.line()));
            }
          }
          default -> {
            // outputs, locals, providers, moved, checks: nothing on the bill.
          }
        }
      }
    }
    return new Folder(folder, defaults, calls, resources);
  }

  private static String readFile(Path file, String what) throws CostInputException {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new CostInputException("cannot read " + what + " file " + file + ": " + e.getMessage());
    }
  }

  private static String string(Located located, String what) throws CostInputException {
    if (located.value() instanceof Str str) {
      return str.value();
    }
    throw new CostInputException(what + " (" + located.where() + ") must be a string \"…\"");
  }

  private static int wholeNumber(Located located, String what, int least) throws CostInputException {
    if (located.value() instanceof Num num) {
      try {
        int n = num.value().intValueExact();
        if (n >= least) {
          return n;
        }
      } catch (ArithmeticException notWhole) {
        // said below
      }
      throw new CostInputException(String.format(Locale.ROOT, "%s = %s (%s) must be a whole number of at least %d",
          what, num.value().toPlainString(), located.where(), least));
    }
    throw new CostInputException(what + " (" + located.where() + ") must be a number");
  }
}
