package dev.snooze.frontend.server;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdTokenCredentials;
import com.google.auth.oauth2.IdTokenProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.function.Supplier;

/**
 * A Google ID token for one audience (the Status function's URL), from the frontend VM's service
 * account through Application Default Credentials; refreshed by the library before it expires.
 * Blocking: call it off the event loop.
 */
public final class GoogleIdToken implements Supplier<String> {
  private final URI audience;
  private IdTokenCredentials credentials;

  public GoogleIdToken(URI audience) {
    this.audience = audience;
  }

  @Override
  public synchronized String get() {
    try {
      if (credentials == null) {
        GoogleCredentials defaults = GoogleCredentials.getApplicationDefault();
        if (!(defaults instanceof IdTokenProvider provider)) {
          throw new IllegalStateException("the default credentials (" + defaults.getClass().getSimpleName()
              + ") cannot mint ID tokens: run the frontend as a service account");
        }
        credentials = IdTokenCredentials.newBuilder()
            .setIdTokenProvider(provider)
            .setTargetAudience(audience.toString())
            .build();
      }
      credentials.refreshIfExpired();
      return credentials.getIdToken().getTokenValue();
    } catch (IOException e) {
      throw new UncheckedIOException("no ID token for " + audience + ": " + e.getMessage(), e);
    }
  }
}
