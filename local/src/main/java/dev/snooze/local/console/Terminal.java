package dev.snooze.local.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process's standard output is a terminal, so that a person reads it. */
final class Terminal {
  private Terminal() {}

  static boolean stdoutIsTerminal() {
    // Java 17 answers only "are stdin and stdout both terminals" (System.console()); a run with
    // stdin from /dev/null still prints to a person. On Linux the descriptor's link names the device.
    try {
      String device = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
      return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }
}
