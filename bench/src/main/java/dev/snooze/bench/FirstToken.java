package dev.snooze.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * A streamed prompt, as the page sends it: POSTed to the frontend's {@code /api/generate}, its
 * NDJSON answer read line by line, timed from sending to the first line carrying a token.
 */
public final class FirstToken {
  /** What to look at the moment the first token arrives, before the rest of the stream is read. */
  public interface Probe<T> {
    T look() throws IOException, InterruptedException;
  }

  /** @param atFirstToken what the probe saw then */
  public record Answer<T>(Instant sent, Instant firstToken, T atFirstToken) {}

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI uri;
  private final String body;
  private final Duration held;

  /** @param held how long the frontend may hold the prompt while the GPU wakes */
  public FirstToken(URI uri, String body, Duration held) {
    this.uri = uri;
    this.body = body;
    this.held = held;
  }

  /** Sends the prompt, runs {@code probe} at its first token, then reads the answer to its end. */
  public <T> Answer<T> send(Probe<T> probe) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(held).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    Instant sent = Instant.now();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      if (response.statusCode() != 200) {
        throw new IOException(uri + " answered " + response.statusCode() + ": " + lines.readLine());
      }
      Instant first = null;
      T seen = null;
      boolean done = false;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject record = JsonParser.parseString(line).getAsJsonObject();
        if (record.has("error")) {
          throw new IOException(uri + " streamed an error: " + line);
        }
        if (first == null && record.has("response") && !record.get("response").getAsString().isEmpty()) {
          first = Instant.now();
          seen = probe.look();
        }
        done = record.has("done") && record.get("done").getAsBoolean();
      }
      if (first == null || !done) {
        throw new IOException(uri + " ended its stream " + (first == null ? "without a token" : "before done"));
      }
      return new Answer<>(sent, first, seen);
    }
  }
}
