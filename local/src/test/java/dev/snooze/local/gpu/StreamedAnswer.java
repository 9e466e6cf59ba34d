package dev.snooze.local.gpu;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A prompt streamed from Ollama's {@code /api/generate} and read to its end as a client reads it:
 * its status, its NDJSON lines (or, for an error, its body), and when the first and last lines came.
 */
record StreamedAnswer(int status, List<String> lines, String body, long firstLineNanos, long lastLineNanos) {

  static StreamedAnswer generate(HttpClient http, String baseUrl, String prompt) {
    try {
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/generate"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"snooze-demo\",\"prompt\":\"" + prompt + "\"}"))
          .build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        try (InputStream in = response.body()) {
          return new StreamedAnswer(response.statusCode(), List.of(),
              new String(in.readAllBytes(), StandardCharsets.UTF_8), 0, 0);
        }
      }
      List<String> lines = new ArrayList<>();
      long first = 0;
      long last = 0;
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          last = System.nanoTime();
          first = lines.isEmpty() ? last : first;
          lines.add(line);
        }
      }
      return new StreamedAnswer(200, List.copyOf(lines), String.join("\n", lines), first, last);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Ended with Ollama's done line, having streamed as many tokens as that line counts. */
  boolean complete() {
    if (lines.isEmpty()) {
      return false;
    }
    JsonObject last = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    return last.get("done").getAsBoolean() && last.get("eval_count").getAsInt() == lines.size() - 1;
  }
}
