package dev.snooze.local.console;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.snooze.logging.JsonLog;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The console for tools and tests: every log line as JSON, as Cloud Logging would keep it, and
 * exactly one {@code SNOOZE READY {json}} line naming where each part answers.
 */
public final class JsonConsole implements Console {
  public static final String READY_PREFIX = "SNOOZE READY ";
  private static final JsonLog LOG = JsonLog.forComponent("local-stack");
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final PrintStream out;

  JsonConsole(PrintStream out) {
    this.out = out;
  }

  @Override
  public void logged(String line) {
    out.println(line);
  }

  @Override
  public void ready(Ready ready) {
    List<Object> fields = new ArrayList<>(List.of("startupMillis", ready.startup().toMillis()));
    for (Map.Entry<String, Object> setting : ready.settings().entrySet()) {
      fields.add(setting.getKey());
      fields.add(setting.getValue());
    }
    LOG.info("local stack ready", fields.toArray());
    out.println(READY_PREFIX + GSON.toJson(ready.endpoints()));
    out.flush();
  }

  @Override
  public void stopping() {
    LOG.info("stopping the local stack");
  }
}
