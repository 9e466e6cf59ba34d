package dev.snooze.local.emulators;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks an emulator over plain HTTP whether it serves requests yet. */
final class HttpProbe {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofMillis(500))
          .build();

  private HttpProbe() {}

  /** True when GET http://HOST/PATH answers 200 within a second. */
  static boolean answers(String host, String path) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://" + host + path))
              .timeout(Duration.ofSeconds(1))
              .GET()
              .build();
      return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
