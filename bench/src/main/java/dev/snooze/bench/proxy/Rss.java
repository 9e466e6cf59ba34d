package dev.snooze.bench.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Resident memory and CPU time of running processes, from /proc. */
final class Rss {
  private Rss() {}

  /** The summed CPU time (user + system, all threads) of the processes in milliseconds. */
  static double cpuMillis(List<ProcessHandle> processes) {
    return processes.stream()
        .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(0.0))
        .sum();
  }

  /** The summed VmRSS of the processes in MiB; a process that has gone counts 0. */
  static double mib(List<ProcessHandle> processes) {
    long kib = 0;
    for (ProcessHandle process : processes) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
          if (line.startsWith("VmRSS:")) {
            kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException e) {
        // exited
      }
    }
    return kib / 1024.0;
  }
}
