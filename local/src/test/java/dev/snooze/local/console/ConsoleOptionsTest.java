package dev.snooze.local.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snooze.local.console.ConsoleOptions.Format;
import org.junit.jupiter.api.Test;

class ConsoleOptionsTest {
  @Test
  void withoutOptionsTheTerminalDecides() {
    assertThat(ConsoleOptions.parse()).isEqualTo(new ConsoleOptions(Format.AUTO, false));
  }

  @Test
  void aFlagAsksForAConsole() {
    assertThat(ConsoleOptions.parse("--json").resolved()).isEqualTo(Format.JSON);
    assertThat(ConsoleOptions.parse("--text").resolved()).isEqualTo(Format.TEXT);
    assertThat(ConsoleOptions.parse("--json", "--json").format()).isEqualTo(Format.JSON);
    assertThat(ConsoleOptions.parse("--help").help()).isTrue();
    assertThat(ConsoleOptions.parse("-h", "--text")).isEqualTo(new ConsoleOptions(Format.TEXT, true));
  }

  @Test
  void anOptionNotUnderstoodIsNamedWithTheOnesThatAre() {
    assertThatThrownBy(() -> ConsoleOptions.parse("--jsonn"))
        .hasMessage("unknown option '--jsonn': the options are --text, --json and --help (which also lists the knobs)");
    assertThatThrownBy(() -> ConsoleOptions.parse("--text", "--json"))
        .hasMessage("--text and --json ask for different consoles: give one of them");
  }
}
