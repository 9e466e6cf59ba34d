package dev.snooze.functions.boot;

import dev.snooze.boot.BootStage;
import dev.snooze.functions.compute.MigView;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where one wake of one offer stands: the stage of its furthest VM and when each stage began,
 * from the time the offer was woken, the instances' status and health, and the stages they
 * reported. A VM that reports no stages still gets a timeline: provisioning until it runs, booting
 * until its health check passes, then ready.
 *
 * @param instance the VM the timeline is of (the furthest along); null while none has a VM
 * @param current the stage it is in
 * @param began when each stage up to {@code current} began, where known (a stage skipped or not
 *     reported has none)
 * @param reported whether the VM reports its stages
 */
public record BootTimeline(String instance, BootStage current, Map<BootStage, Instant> began, boolean reported) {

  public BootTimeline {
    EnumMap<BootStage, Instant> copy = new EnumMap<>(BootStage.class);
    copy.putAll(began);
    began = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * @param wokeAt when this offer's wake began: the start of provisioning, and the line before which
   *     reports belong to an earlier boot
   */
  public static BootTimeline of(MigView mig, Instant wokeAt) {
    BootTimeline best = null;
    for (MigView.Instance instance : mig.instances()) {
      BootTimeline timeline = of(instance, wokeAt);
      if (best == null || timeline.current().compareTo(best.current()) > 0) {
        best = timeline;
      }
    }
    return best != null ? best : new BootTimeline(null, BootStage.PROVISIONING,
        Map.of(BootStage.PROVISIONING, wokeAt), false);
  }

  static BootTimeline of(MigView.Instance instance, Instant wokeAt) {
    EnumMap<BootStage, Instant> began = new EnumMap<>(BootStage.class);
    began.put(BootStage.PROVISIONING, wokeAt);
    if (!"RUNNING".equals(instance.status())) {
      return new BootTimeline(instance.name(), BootStage.PROVISIONING, began, false);
    }
    BootReport report = instance.boot().since(wokeAt);
    if (report.isEmpty()) {
      // No stages from this VM: its status and health are all there is to go by.
      BootStage stage = instance.serving() ? BootStage.READY : BootStage.BOOTING;
      return new BootTimeline(instance.name(), stage, began, false);
    }
    began.putAll(report.stages());
    return new BootTimeline(instance.name(), report.current(), began, true);
  }

  public boolean ready() {
    return current == BootStage.READY;
  }

  /** When the current stage began; null when not known. */
  public Instant currentSince() {
    return began.get(current);
  }

  /**
   * How long each stage before {@code current} took: from its start to the next known start. A
   * stage skipped (reported with the next one's time, or not at all) took zero.
   */
  public Map<BootStage, Duration> finished() {
    EnumMap<BootStage, Duration> took = new EnumMap<>(BootStage.class);
    List<BootStage> order = List.of(BootStage.values());
    for (BootStage stage : order) {
      if (stage.compareTo(current) >= 0) {
        break;
      }
      Instant start = began.get(stage);
      Instant end = null;
      for (int k = stage.ordinal() + 1; k <= current.ordinal() && end == null; k++) {
        end = began.get(order.get(k));
      }
      took.put(stage, start == null || end == null ? Duration.ZERO : Duration.between(start, end));
    }
    return took;
  }
}
