package dev.snooze.local.gpu;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The stand-in's "model": a short, deterministic answer, cut into word-sized tokens. */
final class StandInModel {
  private StandInModel() {}

  static List<String> answer(String prompt) {
    String quoted = prompt.strip();
    if (quoted.length() > 80) {
      quoted = quoted.substring(0, 80) + "…";
    }
    String text =
        (quoted.isEmpty() ? "Hello!" : "You asked: \"" + quoted + "\".")
            + " This answer comes from Snooze's stand-in model, streamed token by token"
            + " from a simulated GPU VM that woke up for you.";
    List<String> tokens = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        tokens.add(text.substring(start, i));
        start = i;
      }
    }
    return tokens;
  }

  /** A prompt's "tokens" counted as the answer's are, by words; at least one. */
  static int promptTokens(String prompt) {
    String words = prompt.strip();
    return words.isEmpty() ? 1 : words.split("\\s+").length;
  }

  /** The time a GPU takes to produce {@code tokens} tokens: a real pause, for real streams. */
  static void generate(Duration tokenInterval, int tokens) throws IOException {
    try {
      Thread.sleep(tokenInterval.multipliedBy(tokens).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("backend stopped", e);
    }
  }
}
