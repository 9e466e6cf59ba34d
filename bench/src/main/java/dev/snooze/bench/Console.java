package dev.snooze.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps a driver's figures apart from the local stack's JSON logs: the stack's parts log to
 * {@code System.out}, which goes to a file from here on, and the figures go to the real stdout.
 */
public final class Console {
  private Console() {}

  /**
   * Call first in {@code main}, before any part of the stack is loaded (loggers keep the stream
   * they were created with).
   *
   * @return the real stdout, for the figures
   */
  public static PrintStream takeOver(Path logFile) {
    PrintStream figures = System.out;
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      PrintStream log = new PrintStream(new FileOutputStream(logFile.toFile()), true, StandardCharsets.UTF_8);
      System.setOut(log);
      System.setErr(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the log " + logFile, e);
    }
    return figures;
  }
}
