package dev.snooze.local.console;

/**
 * The run command's options: how the console speaks ({@code --text}, {@code --json}, else by
 * whether standard output is a terminal) and {@code --help}.
 */
public record ConsoleOptions(Format format, boolean help) {
  public enum Format {
    /** Readable lines when standard output is a terminal, JSON when it is piped. */
    AUTO,
    /** Readable lines: each part as it starts, the page's address, each wake and sleep, the errors. */
    TEXT,
    /** One JSON log line per event and the {@code SNOOZE READY {json}} line, for tools and tests. */
    JSON
  }

  /**
   * @throws IllegalArgumentException naming the option that is not understood and where the
   *     options are listed
   */
  public static ConsoleOptions parse(String... args) {
    Format format = Format.AUTO;
    boolean help = false;
    for (String arg : args) {
      Format asked = switch (arg) {
        case "--text" -> Format.TEXT;
        case "--json" -> Format.JSON;
        case "--help", "-h" -> null;
        default -> throw new IllegalArgumentException(
            "unknown option '" + arg + "': the options are --text, --json and --help (which also lists the knobs)");
      };
      if (asked == null) {
        help = true;
      } else if (format != Format.AUTO && format != asked) {
        throw new IllegalArgumentException("--text and --json ask for different consoles: give one of them");
      } else {
        format = asked;
      }
    }
    return new ConsoleOptions(format, help);
  }

  /** The console to open: {@link Format#AUTO} resolved by whether standard output is a terminal. */
  public Format resolved() {
    return format != Format.AUTO ? format : Terminal.stdoutIsTerminal() ? Format.TEXT : Format.JSON;
  }
}
