package dev.snooze.cli.plan;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import dev.snooze.cli.plan.Timestamps.BadValue;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads request logs ({@link LogEntries} says which forms): lines are parsed in chunks on every
 * core, a bad line is skipped, counted and, among the first few, named with what is wrong, and the
 * rest is planned. A file whose first character is {@code [} is a JSON array of entries (Cloud
 * Logging's export), read as a stream.
 */
final class RequestLogReader {
  private static final int CHUNK = 8192;
  private static final Pattern JSON_LINE = Pattern.compile("line (\\d+)");

  private final long defaultDuration;
  private final List<String> paths;
  private final ExecutorService pool;
  private final int threads;
  /** Lines read so far, for the progress line. */
  final AtomicLong linesRead = new AtomicLong();

  /** The logs cannot be read at all (missing, unreadable): the plan stops, exit code 2. */
  static final class UnreadableLog extends Exception {
    UnreadableLog(String message) {
      super(message);
    }
  }

  record Result(Requests requests, InputSummary summary) {}

  RequestLogReader(long defaultDuration, List<String> paths, ExecutorService pool, int threads) {
    this.defaultDuration = defaultDuration;
    this.paths = List.copyOf(paths);
    this.pool = pool;
    this.threads = threads;
  }

  Result read(List<Path> files) throws UnreadableLog {
    Counts total = new Counts();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new UnreadableLog(file + ": no such file");
      }
      if (!Files.isReadable(file)) {
        throw new UnreadableLog(file + ": not readable (permissions)");
      }
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        if (startsWithArray(reader)) {
          readArray(file, reader, total);
        } else {
          readLines(file, reader, total);
        }
      } catch (IOException | UncheckedIOException e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        throw new UnreadableLog(file + ": cannot be read: " + cause.getMessage()
            + (cause instanceof MalformedInputException ? " (not UTF-8 text)" : ""));
      }
    }
    InputSummary summary = new InputSummary(files.stream().map(Path::toString).toList(), total.lines,
        total.requests.size(), total.notRequests, total.otherPaths, total.bad, total.problems);
    return new Result(total.requests.build(), summary);
  }

  /** Skips leading whitespace; true when the file is a JSON array. */
  private static boolean startsWithArray(BufferedReader reader) throws IOException {
    while (true) {
      reader.mark(1);
      int c = reader.read();
      if (c < 0) {
        return false;
      }
      if (!Character.isWhitespace(c) && c != '\uFEFF') { // a byte order mark is no content
        reader.reset();
        return c == '[';
      }
    }
  }

  /**
   * Lines in chunks, each parsed on the pool while the next is read; at most a few chunks wait at
   * once, so a large log is never all in memory as text.
   */
  private void readLines(Path file, BufferedReader reader, Counts total) throws IOException {
    Semaphore ahead = new Semaphore(threads * 3);
    List<Future<Counts>> parsed = new ArrayList<>();
    String name = file.toString();
    long lineNumber = 0;
    String line;
    List<String> chunk = new ArrayList<>(CHUNK);
    long chunkFirst = 1;
    try {
      while (true) {
        line = reader.readLine();
        if (line != null) {
          chunk.add(line);
          lineNumber++;
        }
        if (chunk.size() == CHUNK || line == null && !chunk.isEmpty()) {
          ahead.acquireUninterruptibly();
          List<String> lines = chunk;
          long first = chunkFirst;
          parsed.add(pool.submit(() -> {
            try {
              return parse(name, lines, first);
            } finally {
              ahead.release();
            }
          }));
          linesRead.addAndGet(lines.size());
          chunk = new ArrayList<>(CHUNK);
          chunkFirst = lineNumber + 1;
        }
        if (line == null) {
          break;
        }
      }
      for (Future<Counts> future : parsed) {
        total.add(future.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("parsing " + file + " failed", e.getCause());
    }
  }

  private Counts parse(String file, List<String> lines, long firstLine) {
    LogEntries entries = new LogEntries(defaultDuration, paths);
    Counts counts = new Counts();
    long number = firstLine;
    for (String line : lines) {
      counts.lines++;
      try {
        count(entries, entries.line(line), counts);
      } catch (BadValue e) {
        counts.bad(file + " line " + number + ": " + e.getMessage());
      }
      number++;
    }
    return counts;
  }

  private static void count(LogEntries entries, LogEntries.Kind kind, Counts counts) {
    switch (kind) {
      case REQUEST -> counts.requests.add(entries.start, entries.duration);
      case NOT_A_REQUEST -> counts.notRequests++;
      case OTHER_PATH -> counts.otherPaths++;
      case NOTHING -> { }
    }
  }

  /** A JSON array of entries, one at a time; a syntax error ends the file, since nothing after it can be trusted. */
  private void readArray(Path file, BufferedReader reader, Counts total) throws IOException {
    LogEntries entries = new LogEntries(defaultDuration, paths);
    JsonReader json = new JsonReader(reader);
    int index = 0;
    try {
      json.beginArray();
      while (json.hasNext()) {
        index++;
        total.lines++;
        linesRead.incrementAndGet();
        String where = file + " entry " + index + " (line " + line(json) + ")";
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
          json.skipValue();
          total.bad(where + ": not a JSON object");
          continue;
        }
        JsonElement entry = JsonParser.parseReader(json);
        try {
          count(entries, entries.entry(entry.getAsJsonObject()), total);
        } catch (BadValue e) {
          total.bad(where + ": " + e.getMessage());
        }
      }
      json.endArray();
    } catch (JsonParseException | IOException | IllegalStateException e) {
      if (e instanceof IOException io && !(e instanceof MalformedJsonException)
          && !(e instanceof EOFException)) {
        throw io;
      }
      String problem = e instanceof JsonParseException p ? LogEntries.gsonProblem(p) : Timestamps.brief(
          String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      total.bad(file + " line " + line(json) + ": not valid JSON (" + problem + "): the rest of the file was not read");
    }
  }

  /** The line the reader is at, from its description (Gson keeps it private). */
  private static String line(JsonReader json) {
    Matcher m = JSON_LINE.matcher(json.toString());
    return m.find() ? m.group(1) : "?";
  }

  /** What a chunk, a file, or all of it held. */
  private static final class Counts {
    final Requests.Builder requests = new Requests.Builder();
    final List<String> problems = new ArrayList<>();
    long lines;
    long notRequests;
    long otherPaths;
    long bad;

    void bad(String problem) {
      bad++;
      if (problems.size() < InputSummary.NAMED) {
        problems.add(problem);
      }
    }

    void add(Counts chunk) {
      requests.addAll(chunk.requests);
      lines += chunk.lines;
      notRequests += chunk.notRequests;
      otherPaths += chunk.otherPaths;
      bad += chunk.bad;
      for (String problem : chunk.problems) {
        if (problems.size() < InputSummary.NAMED) {
          problems.add(problem);
        }
      }
    }
  }
}
