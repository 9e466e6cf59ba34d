package dev.snooze.functions.boot;

import dev.snooze.boot.BootStage;
import dev.snooze.functions.state.BootSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.time.Instant;
import java.util.Map;

/**
 * How long each stage of the next wake is expected to take: the median of this offer's newest
 * {@value #LEARN_FROM} wakes in the same sleep mode, or, before its first wake, the configured guess
 * split across the stages in the proportions a GPU VM shows on GCE (driver, image and model weigh
 * most).
 *
 * @param learnedFrom how many past wakes the figures come from; 0 for the configured guess
 */
public record BootEstimate(Map<BootStage, Duration> expected, int learnedFrom) {
  static final int LEARN_FROM = 5;
  private static final Map<BootStage, Double> GUESS_SHARES = shares();

  public BootEstimate {
    EnumMap<BootStage, Duration> copy = new EnumMap<>(BootStage.class);
    copy.putAll(expected);
    expected = Collections.unmodifiableMap(copy);
  }

  /** @param samples the offer's past wakes, oldest first */
  public static BootEstimate of(List<BootSample> samples, String mode, Duration configured) {
    List<BootSample> same = new ArrayList<>();
    for (int i = samples.size() - 1; i >= 0 && same.size() < LEARN_FROM; i--) {
      if (samples.get(i).mode().equals(mode)) {
        same.add(samples.get(i));
      }
    }
    EnumMap<BootStage, Duration> expected = new EnumMap<>(BootStage.class);
    if (same.isEmpty()) {
      GUESS_SHARES.forEach((stage, share) ->
          expected.put(stage, Duration.ofMillis(Math.round(configured.toMillis() * share))));
      return new BootEstimate(expected, 0);
    }
    for (BootStage stage : BootStage.values()) {
      if (stage == BootStage.READY) {
        continue;
      }
      List<Duration> seen = new ArrayList<>();
      for (BootSample sample : same) {
        seen.add(sample.took().getOrDefault(stage, Duration.ZERO));
      }
      Collections.sort(seen);
      int n = seen.size();
      Duration median = n % 2 == 1 ? seen.get(n / 2) : seen.get(n / 2 - 1).plus(seen.get(n / 2)).dividedBy(2);
      expected.put(stage, median);
    }
    return new BootEstimate(expected, same.size());
  }

  public boolean learned() {
    return learnedFrom > 0;
  }

  /** Where the figures come from, as Status says it: {@code learned} or {@code configured}. */
  public String source() {
    return learned() ? "learned" : "configured";
  }

  public Duration of(BootStage stage) {
    return expected.getOrDefault(stage, Duration.ZERO);
  }

  public Duration total() {
    return expected.values().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /** What is left of a wake in {@code timeline} at {@code now}: zero once ready. */
  public Duration remaining(BootTimeline timeline, Instant now) {
    if (timeline.ready()) {
      return Duration.ZERO;
    }
    Duration left = Duration.ZERO;
    Instant since = timeline.currentSince();
    Duration inStage = since == null ? Duration.ZERO : Duration.between(since, now);
    Duration current = of(timeline.current()).minus(inStage);
    if (!current.isNegative()) {
      left = left.plus(current);
    }
    for (BootStage stage : BootStage.values()) {
      if (stage.compareTo(timeline.current()) > 0) {
        left = left.plus(of(stage));
      }
    }
    return left;
  }

  private static Map<BootStage, Double> shares() {
    EnumMap<BootStage, Double> shares = new EnumMap<>(BootStage.class);
    shares.put(BootStage.PROVISIONING, 0.15);
    shares.put(BootStage.BOOTING, 0.10);
    shares.put(BootStage.DRIVER, 0.20);
    shares.put(BootStage.PULLING_IMAGE, 0.25);
    shares.put(BootStage.STARTING_CONTAINER, 0.05);
    shares.put(BootStage.LOADING_MODEL, 0.25);
    return shares;
  }
}
