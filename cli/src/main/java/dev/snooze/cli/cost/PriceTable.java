package dev.snooze.cli.cost;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dated price table with its sources: the one in the jar ({@code prices.json}, beside this class)
 * or {@code --prices FILE} in the same shape. A lookup that finds no price fails, naming what is
 * missing and where to add it, rather than guessing: a bill with a made-up line is worse than none.
 */
final class PriceTable {
  static final String BUILT_IN = "prices.json";

  /** A whole VM's price per hour; {@code includedGpus}: the GPUs an accelerator-optimized type comes with. */
  record Machine(double onDemand, Double spot, Map<String, Integer> includedGpus) {}

  record Gpu(double onDemand, Double spot) {}

  record Source(String what, String url) {}

  private final JsonObject root;
  private final String origin;
  final String date;
  final String currency;
  final int hoursPerMonth;
  final List<Source> sources;

  private PriceTable(JsonObject root, String origin) throws CostInputException {
    this.root = root;
    this.origin = origin;
    this.date = text(root, "date", "date");
    this.currency = text(root, "currency", "currency");
    this.hoursPerMonth = (int) number(root, "hoursPerMonth", "hoursPerMonth");
    List<Source> list = new ArrayList<>();
    if (root.get("sources") != null && root.get("sources").isJsonArray()) {
      for (JsonElement source : root.getAsJsonArray("sources")) {
        if (source.isJsonObject()) {
          JsonObject s = source.getAsJsonObject();
          list.add(new Source(text(s, "what", "sources[].what"), text(s, "url", "sources[].url")));
        }
      }
    }
    if (list.isEmpty()) {
      throw malformed("sources must list where the prices come from ([{\"what\": …, \"url\": …}])");
    }
    this.sources = List.copyOf(list);
  }

  static PriceTable builtIn() {
    try (InputStream in = PriceTable.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException(BUILT_IN + " is missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in");
    } catch (IOException | CostInputException e) {
      throw new IllegalStateException("the built-in price table is unreadable: " + e.getMessage(), e);
    }
  }

  static PriceTable read(Path file) throws CostInputException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CostInputException("cannot read --prices " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  static PriceTable parse(String json, String origin) throws CostInputException {
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      throw new CostInputException("the price table " + origin + " is not JSON: " + e.getMessage());
    }
    if (!parsed.isJsonObject()) {
      throw new CostInputException("the price table " + origin + " must be a JSON object");
    }
    return new PriceTable(parsed.getAsJsonObject(), origin);
  }

  /** {@code prices of 2026-12-03, built-in}: how the report and the errors name this table. */
  String describe() {
    return "prices of " + date + ", " + origin;
  }

  Machine machine(String region, String type) throws CostInputException {
    JsonObject machine = entry(region, "machines", type, "machine type " + type);
    String path = "regions." + region + ".machines." + type;
    Double spot = machine.has("spot") ? number(machine, "spot", path + ".spot") : null;
    Map<String, Integer> included = new LinkedHashMap<>();
    if (machine.has("includedGpus")) {
      JsonObject gpus = object(machine, "includedGpus", path + ".includedGpus");
      for (String gpu : gpus.keySet()) {
        included.put(gpu, (int) number(gpus, gpu, path + ".includedGpus." + gpu));
      }
    }
    return new Machine(number(machine, "onDemand", path + ".onDemand"), spot, Map.copyOf(included));
  }

  Gpu gpu(String region, String type) throws CostInputException {
    JsonObject gpu = entry(region, "gpus", type, "GPU type " + type);
    String path = "regions." + region + ".gpus." + type;
    return new Gpu(number(gpu, "onDemand", path + ".onDemand"), gpu.has("spot") ? number(gpu, "spot", path + ".spot") : null);
  }

  /** Per GB-month. */
  double disk(String region, String type) throws CostInputException {
    JsonObject disks = section(region, "disks");
    if (!disks.has(type)) {
      throw missing("disk type " + type + " in region " + region, "regions." + region + ".disks");
    }
    return number(disks, type, "regions." + region + ".disks." + type);
  }

  /** A regional price such as {@code natPerVmHour}. */
  double regional(String region, String key, String what) throws CostInputException {
    JsonObject prices = region(region);
    if (!prices.has(key)) {
      throw missing(what + " in region " + region, "regions." + region + "." + key);
    }
    return number(prices, key, "regions." + region + "." + key);
  }

  /** Whether the table says a regional price could not be confirmed on Google's page. */
  boolean unconfirmed(String region, String key) throws CostInputException {
    JsonElement list = region(region).get("unconfirmed");
    if (list == null || !list.isJsonArray()) {
      return false;
    }
    for (JsonElement item : list.getAsJsonArray()) {
      if (item.isJsonPrimitive() && item.getAsString().equals(key)) {
        return true;
      }
    }
    return false;
  }

  double forwardingRulesFirstFive() throws CostInputException {
    return number(forwardingRules(), "firstFivePerHour", "global.forwardingRules.firstFivePerHour");
  }

  double forwardingRulesAdditional() throws CostInputException {
    return number(forwardingRules(), "additionalPerHour", "global.forwardingRules.additionalPerHour");
  }

  private JsonObject forwardingRules() throws CostInputException {
    if (!root.has("global") || !root.get("global").isJsonObject()
        || !root.getAsJsonObject("global").has("forwardingRules")) {
      throw missing("global forwarding rules", "global.forwardingRules");
    }
    return object(root.getAsJsonObject("global"), "forwardingRules", "global.forwardingRules");
  }

  private JsonObject region(String region) throws CostInputException {
    JsonElement regions = root.get("regions");
    if (regions == null || !regions.isJsonObject() || !regions.getAsJsonObject().has(region)) {
      throw new CostInputException("no prices for region " + region + " in the price table (" + describe()
          + "); add regions." + region + " or pass --prices FILE with it");
    }
    return object(regions.getAsJsonObject(), region, "regions." + region);
  }

  private JsonObject section(String region, String section) throws CostInputException {
    JsonObject prices = region(region);
    if (!prices.has(section)) {
      return new JsonObject();
    }
    return object(prices, section, "regions." + region + "." + section);
  }

  private JsonObject entry(String region, String section, String key, String what) throws CostInputException {
    JsonObject entries = section(region, section);
    if (!entries.has(key)) {
      throw missing(what + " in region " + region, "regions." + region + "." + section);
    }
    return object(entries, key, "regions." + region + "." + section + "." + key);
  }

  private CostInputException missing(String what, String where) {
    return new CostInputException("no price for " + what + " in the price table (" + describe() + "); add it under "
        + where + " or pass --prices FILE with it");
  }

  private CostInputException malformed(String message) {
    return new CostInputException("the price table " + origin + ": " + message);
  }

  private JsonObject object(JsonObject in, String key, String path) throws CostInputException {
    JsonElement value = in.get(key);
    if (value == null || !value.isJsonObject()) {
      throw malformed(path + " must be an object { … }");
    }
    return value.getAsJsonObject();
  }

  private double number(JsonObject in, String key, String path) throws CostInputException {
    JsonElement value = in.get(key);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw malformed(path + " must be a number");
    }
    double number = value.getAsDouble();
    if (!(number >= 0) || Double.isInfinite(number)) {
      throw malformed(path + " must be 0 or more");
    }
    return number;
  }

  private String text(JsonObject in, String key, String path) throws CostInputException {
    JsonElement value = in.get(key);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw malformed(path + " must be a string");
    }
    return value.getAsString();
  }
}
