package dev.snooze.local.gpu;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the stand-in's Ollama keeps its model in GPU memory.
 *
 * @param name the model it serves, e.g. {@code snooze-demo:latest}
 * @param loadTime how long loading the model takes (from disk to GPU memory); each VM loads it
 *     again after it was unloaded
 * @param keepAlive how long the model stays loaded after its last request ended, as Ollama's
 *     {@code OLLAMA_KEEP_ALIVE}: negative = never unload (Ollama's {@code -1}), zero = unload
 *     right after each request
 */
public record ModelSettings(String name, Duration loadTime, Duration keepAlive) {
  public static final String DEFAULT_MODEL = "snooze-demo:latest";
  /** Ollama's {@code -1}: the model stays loaded as long as the server runs. */
  public static final Duration NEVER_UNLOAD = Duration.ofSeconds(-1);
  /** Ollama's own default when {@code OLLAMA_KEEP_ALIVE} is unset. */
  public static final Duration OLLAMA_DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);
  /** A Go duration as Ollama parses it: {@code 5m}, {@code 1h30m}, {@code 2.5s}, {@code -1m}. */
  private static final Pattern GO_DURATION =
      Pattern.compile("([-+]?)((?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|ms|s|m|h))+");
  private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
  private static final Pattern SECONDS = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)");

  public ModelSettings {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a model needs a name");
    }
    if (loadTime.isNegative()) {
      throw new IllegalArgumentException("a load time cannot be negative: " + loadTime);
    }
  }

  /** A model that is loaded at once and never unloaded: the stand-in before it modelled memory. */
  public static ModelSettings instant() {
    return new ModelSettings(DEFAULT_MODEL, Duration.ZERO, NEVER_UNLOAD);
  }

  /**
   * Reads a keep-alive as Ollama does, from {@code OLLAMA_KEEP_ALIVE} or a request's
   * {@code keep_alive}: a Go duration ({@code 5m}, {@code 30s}, {@code 1h}, {@code 0}) or a
   * number of seconds ({@code 300}, {@code -1}); any negative value means never unload.
   *
   * @return empty when the text is neither
   */
  public static Optional<Duration> parseKeepAlive(String raw) {
    String text = raw == null ? "" : raw.strip();
    if (SECONDS.matcher(text).matches()) {
      return Optional.of(ofSeconds(Double.parseDouble(text)));
    }
    if (!GO_DURATION.matcher(text).matches()) {
      return Optional.empty();
    }
    double nanos = 0;
    Matcher part = GO_PART.matcher(text);
    while (part.find()) {
      double value = Double.parseDouble(part.group(1));
      nanos += value * switch (part.group(2)) {
        case "ns" -> 1d;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
    }
    return Optional.of(text.startsWith("-") ? NEVER_UNLOAD : Duration.ofNanos(Math.round(Math.min(nanos, 9e18))));
  }

  /** A number of seconds, as a request's numeric {@code keep_alive}; negative = never unload. */
  public static Duration ofSeconds(double seconds) {
    return seconds < 0 ? NEVER_UNLOAD : Duration.ofNanos(Math.round(Math.min(seconds, 9e9) * 1e9));
  }

  /** Whether this keep-alive means the model is never unloaded. */
  public static boolean neverUnloads(Duration keepAlive) {
    return keepAlive.isNegative();
  }

  /** The model's name with Ollama's implied tag: {@code snooze-demo} is {@code snooze-demo:latest}. */
  public boolean serves(String requested) {
    return name.equals(requested) || name.equals(requested + ":latest");
  }
}
