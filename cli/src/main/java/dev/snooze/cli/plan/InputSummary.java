package dev.snooze.cli.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the logs held, for the report: every line is a request, a line that is not one, a request
 * to a path that never reaches the GPU, a blank or comment, or a bad line (skipped, counted, and the
 * first few named).
 *
 * @param files the logs read, as given
 * @param lines lines read (entries, for a JSON array)
 * @param requests requests planned
 * @param notRequests log lines without {@code httpRequest}: other log lines, not requests
 * @param otherPaths requests to paths the frontend does not proxy to the GPU
 * @param badLines lines skipped as unreadable
 * @param problems the first few bad lines, each as {@code FILE line N: what is wrong}
 */
record InputSummary(List<String> files, long lines, int requests, long notRequests, long otherPaths,
    long badLines, List<String> problems) {

  /** How many bad lines are named; the rest are counted. */
  static final int NAMED = 5;

  InputSummary {
    files = List.copyOf(files);
    problems = List.copyOf(problems);
  }

  /** {@code 12,345 requests from a.log (40 other log lines, 3 bad lines skipped)}. */
  String describe() {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%,d request%s from %s", requests,
        requests == 1 ? "" : "s", String.join(", ", files)));
    List<String> notes = new ArrayList<>();
    if (notRequests > 0) {
      notes.add(String.format(Locale.ROOT, "%,d other log line%s", notRequests, notRequests == 1 ? "" : "s"));
    }
    if (otherPaths > 0) {
      notes.add(String.format(Locale.ROOT, "%,d request%s to paths not proxied to the GPU", otherPaths,
          otherPaths == 1 ? "" : "s"));
    }
    notes.add(String.format(Locale.ROOT, "%,d bad line%s skipped", badLines, badLines == 1 ? "" : "s"));
    return text.append(" (").append(String.join(", ", notes)).append(')').toString();
  }
}
