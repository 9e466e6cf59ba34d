package dev.snooze.functions.scale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The scaling arithmetic, pure: how many VMs the requests in flight need, and how many the recent
 * past still holds on to. Out at once, in slowly (Knative's rule, without its averaging: the
 * frontends' reports are already debounced, and a burst reports itself early).
 *
 * <p>{@code needed} is the state's memory of demand: its k-th entry is the last time k VMs were
 * needed. Scaling in keeps the most VMs needed within the scale-in delay (like Kubernetes'
 * stabilization window, which keeps the highest recommendation of the window), in a list no
 * longer than the maximum.
 */
public final class Demand {
  private Demand() {}

  /** VMs for {@code inFlight} requests: ceil(inFlight / target), within [min, max]. */
  public static int wanted(int inFlight, int min, Scaling scaling) {
    return Math.max(min, Math.min(scaling.max(), unbounded(inFlight, scaling)));
  }

  /** ceil(inFlight / target), not clamped: above the maximum it says how far demand exceeds it. */
  public static int unbounded(int inFlight, Scaling scaling) {
    return (int) ((inFlight + (long) scaling.targetInFlight() - 1) / scaling.targetInFlight());
  }

  /**
   * {@code needed} after {@code wanted} VMs were needed at {@code now}: entries 1..wanted move to
   * now, unless they are already less than {@code granularity} old (bounded writes: a later
   * scale-in by at most that much). The same list when nothing moves.
   */
  public static List<Instant> record(List<Instant> needed, int wanted, Instant now, Duration granularity) {
    List<Instant> next = new ArrayList<>(needed);
    boolean moved = false;
    for (int k = 1; k <= wanted; k++) {
      if (next.size() < k) {
        next.add(now);
        moved = true;
      } else if (!next.get(k - 1).plus(granularity).isAfter(now)) {
        next.set(k - 1, now);
        moved = true;
      }
    }
    return moved ? next : needed;
  }

  /**
   * The VMs to keep now: the most needed within the scale-in delay (plus the granularity the
   * entries may lag by), at least {@code min} and at most {@code size}.
   */
  public static int keep(List<Instant> needed, int size, int min, Scaling scaling, Duration granularity, Instant now) {
    Duration window = scaling.scaleInDelay().plus(granularity);
    int keep = min;
    for (int k = needed.size(); k > min; k--) {
      if (Duration.between(needed.get(k - 1), now).compareTo(window) < 0) {
        keep = k;
        break;
      }
    }
    return Math.min(Math.max(keep, min), Math.max(size, min));
  }

  /** When a VM of {@code size} may go if demand stays below it: null while {@code size} is the least. */
  public static Instant scaleInAt(List<Instant> needed, int size, int min, Scaling scaling, Duration granularity) {
    if (size <= min) {
      return null;
    }
    Instant last = size <= needed.size() ? needed.get(size - 1) : null;
    return last == null ? null : last.plus(scaling.scaleInDelay()).plus(granularity);
  }
}
