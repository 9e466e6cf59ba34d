package dev.snooze.local.console;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The console for a person at a terminal: each part as it starts with its time, then "Snooze is up
 * — open http://…" and the GPU's phase, then one line per wake, sleep and request, and the errors
 * (see {@link ReadableLog}). The JSON lines stay whole in the log files.
 */
public final class ReadableConsole implements Console {
  private final PrintStream terminal;
  private final PrintStream errors;
  private final ReadableLog log;
  private final Clock clock;

  ReadableConsole(PrintStream terminal, PrintStream errors, Clock clock) {
    this.terminal = terminal;
    this.errors = errors;
    this.clock = clock;
    this.log = new ReadableLog(clock.getZone());
  }

  /**
   * Writes to the process's standard output and error in UTF-8 (whatever the locale: the lines
   * carry "—" and "✓"), and renders what the parts write to {@code System.out}/{@code System.err}.
   */
  static ReadableConsole takeOver() {
    ReadableConsole console = new ReadableConsole(
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
        Clock.systemDefaultZone());
    System.setOut(new PrintStream(new LineStream(console::logged), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new LineStream(console::logged), true, StandardCharsets.UTF_8));
    console.say("Starting Snooze's local stack (--json for JSON logs, --help for the knobs)");
    return console;
  }

  @Override
  public void logged(String line) {
    log.render(line, clock.instant()).ifPresent(readable -> {
      PrintStream stream = readable.problem() ? errors : terminal;
      stream.println(readable.text());
      stream.flush();
    });
  }

  @Override
  public void ready(Ready ready) {
    String frontend = String.valueOf(ready.endpoints().get("frontend"));
    say("Snooze is up — open " + frontend + "   (started in " + ReadableLog.seconds(ready.startup()) + ")");
    more("GPU: " + phase(statusUrl(ready)));
    more("It sleeps after " + ReadableLog.seconds(ready.idleTimeout()) + " without a request; Ctrl-C stops everything");
    more("Status " + statusUrl(ready) + " · Pub/Sub " + ready.endpoints().get("pubsub")
        + " · Compute " + ready.endpoints().get("compute"));
    more("Every JSON log line is kept in " + ready.logs() + " (or printed here with --json)");
  }

  @Override
  public void stopping() {
    say("Stopping Snooze's local stack");
  }

  private synchronized void say(String text) {
    terminal.println(log.stamp(clock.instant()) + "  " + text);
    terminal.flush();
  }

  private synchronized void more(String text) {
    terminal.println(ReadableLog.INDENT + text);
    terminal.flush();
  }

  private static String statusUrl(Ready ready) {
    return ready.endpoints().get("functions") instanceof Map<?, ?> functions
        ? String.valueOf(functions.get("status")) : "";
  }

  /** The phase as Status reports it, in words; a console that cannot say it says why. */
  private static String phase(String statusUrl) {
    try {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(statusUrl)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      JsonObject status = JsonParser.parseString(answer.body()).getAsJsonObject();
      String phase = status.get("phase").getAsString();
      return phase.equals("ASLEEP")
          ? "asleep (no VM, nothing billed); opening the page or sending a prompt wakes it"
          : phase.toLowerCase(Locale.ROOT).replace('_', ' ');
    } catch (Exception e) {
      return "its phase is unknown (Status did not answer: " + e.getMessage() + ")";
    }
  }
}
