package dev.snooze.cli.smoke;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The smoke's one HTTP client. Redirects are not followed: IAP answers a request without a token
 * with a redirect to Google's sign-in page, which must be reported, not fetched. HTTP/1.1, as the
 * load balancer and the frontend speak it to curl.
 */
final class Http {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(CONNECT_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  HttpClient client() {
    return client;
  }

  /** A request to {@code url} with the source's token, if any. */
  static HttpRequest.Builder request(URI url, TokenSource tokens, Duration timeout) throws SmokeFailure {
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("User-Agent", "snooze-smoke");
    String token = tokens.token();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  HttpResponse<String> get(URI url, TokenSource tokens, Duration timeout)
      throws SmokeFailure, IOException, InterruptedException {
    return client.send(request(url, tokens, timeout).header("Accept", "application/json").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
