package dev.snooze.functions.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's warm windows ({@code SNOOZE_WARM_WINDOWS}, separated by {@code ;}): while one
 * covers the time, the GPU is kept awake, and it is woken {@code lead} before one starts (the time
 * a wake takes) so that it is ready at the start. Pure: every answer is a function of the windows
 * and the instant asked about.
 */
public record WarmWindows(List<WarmWindow> windows) {
  public static final WarmWindows NONE = new WarmWindows(List.of());

  public WarmWindows {
    windows = List.copyOf(windows);
  }

  /**
   * Reads {@code ;}-separated windows; blank is none.
   *
   * @throws IllegalArgumentException naming the window that is wrong and how to write it
   */
  public static WarmWindows parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    List<WarmWindow> windows = new ArrayList<>();
    String[] parts = text.split(";", -1);
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        throw new IllegalArgumentException("window " + (i + 1) + " is empty: separate windows with one ';'");
      }
      try {
        windows.add(WarmWindow.parse(parts[i]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("window " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new WarmWindows(windows);
  }

  public boolean isEmpty() {
    return windows.isEmpty();
  }

  /**
   * The occurrence that wants the GPU awake at {@code at}: one that covers it (the one that ends
   * last, when several do), else one that starts within {@code lead}; null when none does.
   */
  public WarmWindow.Span wanting(Instant at, Duration lead) {
    WarmWindow.Span best = null;
    for (WarmWindow window : windows) {
      WarmWindow.Span span = window.covering(at);
      if (span == null) {
        WarmWindow.Span next = window.next(at);
        span = next.from().minus(lead).isAfter(at) ? null : next;
      }
      if (span != null && (best == null || span.to().isAfter(best.to()))) {
        best = span;
      }
    }
    return best;
  }

  /** The first occurrence that starts after {@code at} (for Status and the page); null without windows. */
  public WarmWindow.Span next(Instant at) {
    WarmWindow.Span first = null;
    for (WarmWindow window : windows) {
      WarmWindow.Span span = window.next(at);
      if (first == null || span.from().isBefore(first.from())) {
        first = span;
      }
    }
    return first;
  }

  @Override
  public String toString() {
    return String.join("; ", windows.stream().map(WarmWindow::toString).toList());
  }
}
