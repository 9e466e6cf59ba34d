package dev.snooze.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the figures were measured on: cores, CPU model, memory, and how busy the machine was. */
public final class Machine {
  private Machine() {}

  /** "2 cores, AMD EPYC, 23.5 GiB RAM, load 1.52 (1 min)". */
  public static String describe() {
    String model = firstValue(Path.of("/proc/cpuinfo"), "model name");
    String memKb = firstValue(Path.of("/proc/meminfo"), "MemTotal");
    String load = read(Path.of("/proc/loadavg"));
    double gib = memKb == null ? 0 : Long.parseLong(memKb.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
    return String.format(Locale.ROOT, "%d cores, %s, %.1f GiB RAM, load average %s (1 min) at the end, Java %s",
        Runtime.getRuntime().availableProcessors(), model == null ? "unknown CPU" : model, gib,
        load == null ? "?" : load.split(" ")[0], System.getProperty("java.version"));
  }

  private static String firstValue(Path file, String key) {
    String text = read(file);
    if (text == null) {
      return null;
    }
    return text.lines().filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst().orElse(null);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return null;
    }
  }
}
