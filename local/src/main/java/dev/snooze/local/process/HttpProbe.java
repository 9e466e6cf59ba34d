package dev.snooze.local.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a local server over plain HTTP whether it serves requests yet. */
public final class HttpProbe {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofMillis(500))
          .build();

  private HttpProbe() {}

  /** True when GET http://HOST/PATH answers 200 within a second. */
  public static boolean answers(String host, String path) {
    return status(host, path) == 200;
  }

  /** True when GET http://HOST/PATH gets any HTTP answer within a second. */
  public static boolean responds(String host, String path) {
    return status(host, path) > 0;
  }

  /** The status of GET http://HOST/PATH, or 0 when nothing answers within a second. */
  private static int status(String host, String path) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://" + host + path))
              .timeout(Duration.ofSeconds(1))
              .GET()
              .build();
      return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException | IllegalArgumentException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
