package dev.snooze.functions.boot;

import dev.snooze.boot.BootStage;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The boot stages one VM reported as guest attributes ({@link BootStage}), kept only where they
 * make a consistent story: a known stage, a readable time, and no earlier than the stage before it.
 * Anything else is left out with a problem to log, so that a malformed, out-of-order or stale report
 * can never mark the backend ready. Attributes left from an earlier boot of a stopped VM read as
 * out of order as soon as the new boot reports {@code booting}, and before that the VM's health
 * check does not pass, so they never count either.
 *
 * @param stages each reported stage with the time it began, in stage order
 * @param problems what was left out and why, for the log
 */
public record BootReport(Map<BootStage, Instant> stages, List<String> problems) {
  /** A VM that reported nothing (or whose reports could not be read). */
  public static final BootReport NONE = new BootReport(Map.of(), List.of());

  public BootReport {
    EnumMap<BootStage, Instant> copy = new EnumMap<>(BootStage.class);
    copy.putAll(stages);
    stages = Collections.unmodifiableMap(copy);
    problems = List.copyOf(problems);
  }

  /** Reads the attributes of namespace {@value BootStage#NAMESPACE}, by key. */
  public static BootReport read(Map<String, String> attributes) {
    List<String> problems = new ArrayList<>();
    EnumMap<BootStage, Instant> parsed = new EnumMap<>(BootStage.class);
    attributes.forEach((key, value) -> {
      BootStage stage = BootStage.fromWire(key).filter(BootStage::reported).orElse(null);
      if (stage == null) {
        problems.add("unknown stage \"" + brief(key) + "\"");
        return;
      }
      try {
        parsed.put(stage, OffsetDateTime.parse(value.strip()).toInstant());
      } catch (DateTimeParseException | NullPointerException e) {
        problems.add("stage " + key + " has no RFC 3339 time: \"" + brief(value) + "\"");
      }
    });
    EnumMap<BootStage, Instant> kept = new EnumMap<>(BootStage.class);
    Instant last = null;
    BootStage lastStage = null;
    for (Map.Entry<BootStage, Instant> entry : parsed.entrySet()) {
      if (last != null && entry.getValue().isBefore(last)) {
        problems.add("stage " + entry.getKey().wire() + " at " + entry.getValue() + " is before "
            + lastStage.wire() + " at " + last + " (out of order, or left from an earlier boot)");
        continue;
      }
      kept.put(entry.getKey(), entry.getValue());
      last = entry.getValue();
      lastStage = entry.getKey();
    }
    return new BootReport(kept, problems);
  }

  public boolean isEmpty() {
    return stages.isEmpty();
  }

  /** The furthest stage reported; null when none is. */
  public BootStage current() {
    BootStage current = null;
    for (BootStage stage : stages.keySet()) {
      current = stage;
    }
    return current;
  }

  /** The warm-up has loaded the model. */
  public boolean ready() {
    return stages.containsKey(BootStage.READY);
  }

  /** When {@code stage} began, or null if it was not reported. */
  public Instant at(BootStage stage) {
    return stages.get(stage);
  }

  /** Only the stages that began at or after {@code since}: older ones belong to an earlier boot. */
  public BootReport since(Instant since) {
    EnumMap<BootStage, Instant> kept = new EnumMap<>(BootStage.class);
    stages.forEach((stage, at) -> {
      if (!at.isBefore(since)) {
        kept.put(stage, at);
      }
    });
    return kept.size() == stages.size() ? this : new BootReport(kept, problems);
  }

  private static String brief(String text) {
    String s = String.valueOf(text);
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
