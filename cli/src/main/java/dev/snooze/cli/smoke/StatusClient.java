package dev.snooze.cli.smoke;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads Status: through the frontend's {@code /snooze/status} (behind IAP, with the frontend's
 * token), or from the Status function's own URL. What may pass (a timeout, a 5xx, the frontend
 * having no answer from the function yet) is {@link Unavailable}; what will not (IAP refusing the
 * token, a URL that is not Snooze) fails the smoke at once.
 */
final class StatusClient {
  static final int READ_SECONDS = 15;
  static final Duration READ_TIMEOUT = Duration.ofSeconds(READ_SECONDS);

  private final Http http;
  private final URI url;
  private final TokenSource tokens;
  private final boolean statusFunction;

  /** @param statusFunction whether {@code url} is the Status function itself, not the frontend */
  StatusClient(Http http, URI url, TokenSource tokens, boolean statusFunction) {
    this.http = http;
    this.url = url;
    this.tokens = tokens;
    this.statusFunction = statusFunction;
  }

  /**
   * Status could not be read this time; it may be next time.
   *
   * @param reached whether the URL answered at all (else: no connection, no name, no answer in time)
   */
  static final class Unavailable extends Exception {
    private final boolean reached;

    Unavailable(String message, boolean reached) {
      super(message);
      this.reached = reached;
    }

    boolean reached() {
      return reached;
    }
  }

  URI url() {
    return url;
  }

  /** One read, given at most {@value #READ_SECONDS} s and never past the deadline. */
  StatusReading read(Deadline deadline) throws Unavailable, SmokeFailure, InterruptedException {
    HttpResponse<String> response;
    try {
      response = http.get(url, tokens, deadline.remainingAtMost(READ_TIMEOUT));
    } catch (IOException e) {
      throw new Unavailable("cannot read " + url + ": " + describe(e), false);
    }
    int status = response.statusCode();
    if (status != 200) {
      String why = Rejection.explain(status, response.headers().firstValue("Location"), response.body(), tokens,
          statusFunction);
      if (Rejection.isAuth(status, response.headers().firstValue("Location")) || status == 404) {
        throw new SmokeFailure("status", "GET " + url + ": " + why
            + (status == 404 ? " (is this Snooze's " + (statusFunction ? "Status function" : "frontend") + "?)" : ""));
      }
      throw new Unavailable("GET " + url + ": " + why, true);
    }
    try {
      JsonElement json = JsonParser.parseString(response.body());
      if (!json.isJsonObject()) {
        throw new StatusReading.NotStatus("not a JSON object: " + Rejection.brief(response.body()));
      }
      StatusReading reading = StatusReading.parse(json.getAsJsonObject());
      if (reading == null) {
        throw new Unavailable("the frontend has no Status to show (\"function\": null): the Status function did "
            + "not answer it in time, or its SNOOZE_STATUS_URL is unset", true);
      }
      return reading;
    } catch (JsonParseException | StatusReading.NotStatus e) {
      throw new SmokeFailure("status", "GET " + url + " answered " + (e instanceof JsonParseException
          ? "something that is not JSON: " + Rejection.brief(response.body()) : e.getMessage()));
    }
  }

  /**
   * An I/O failure in words: the JDK's often carry no message of their own (an unknown host is a
   * ConnectException around an UnresolvedAddressException), so their causes are named too.
   */
  static String describe(IOException e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null && text.length() < 300; t = t.getCause()) {
      text.append(text.isEmpty() ? "" : " (caused by ").append(t.getClass().getSimpleName());
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        text.append(": ").append(t.getMessage());
      }
      if (t != e) {
        text.append(')');
      }
    }
    return text.toString();
  }
}
