package dev.snooze.cli.smoke;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdTokenCredentials;
import com.google.auth.oauth2.IdTokenProvider;
import com.google.auth.oauth2.UserCredentials;
import java.io.IOException;
import java.util.List;

/**
 * A Google ID token for one audience from application-default credentials, refreshed by the
 * library before it expires (a real cold start can outlast one).
 *
 * <p>For IAP the audience is the OAuth client ID IAP uses, and the token is sent as
 * {@code Authorization: Bearer} (IAP's programmatic authentication); for a Cloud Run function it
 * is the function's URL. Service-account credentials (a key, the metadata server, or
 * {@code gcloud auth application-default login --impersonate-service-account=SA}) mint a token for
 * any audience. A user's credentials do not: Google returns the ID token of their refresh, whose
 * audience is the client that signed them in, so IAP takes it only if that client is on its
 * programmatic-access allowlist; {@link #note()} says so.
 */
final class AdcIdToken implements TokenSource {
  private final String audience;
  private final String what;
  private IdTokenCredentials credentials;
  private String kind;
  private boolean isUser;

  /** Where the credentials come from: application-default ones, or a test's. */
  interface Loader {
    GoogleCredentials load() throws IOException;
  }

  private final Loader loader;

  /** @param what what the audience is, for people: "IAP's OAuth client", "the Status function" */
  AdcIdToken(String audience, String what) {
    this(audience, what, GoogleCredentials::getApplicationDefault);
  }

  AdcIdToken(String audience, String what, Loader loader) {
    this.audience = audience;
    this.what = what;
    this.loader = loader;
  }

  @Override
  public synchronized String token() throws SmokeFailure {
    try {
      if (credentials == null) {
        GoogleCredentials defaults = loader.load();
        kind = defaults.getClass().getSimpleName();
        if (!(defaults instanceof IdTokenProvider provider)) {
          throw new SmokeFailure("token", "the application-default credentials (" + kind + ") cannot mint ID "
              + "tokens: use a service account (gcloud auth application-default login "
              + "--impersonate-service-account=SA), or --token");
        }
        credentials = IdTokenCredentials.newBuilder()
            .setIdTokenProvider(provider)
            .setTargetAudience(audience)
            // IAP identifies a service account by the token's email claim; impersonated
            // credentials include it only when asked.
            .setOptions(List.of(IdTokenProvider.Option.INCLUDE_EMAIL))
            .build();
        isUser = defaults instanceof UserCredentials;
      }
      credentials.refreshIfExpired();
      return credentials.getIdToken().getTokenValue();
    } catch (IOException | RuntimeException e) {
      throw new SmokeFailure("token", "no ID token for " + audience + " from the application-default "
          + "credentials: " + e.getMessage() + " (gcloud auth application-default login, or --token)", e);
    }
  }

  @Override
  public String describe() {
    return "an ID token for " + what + " (" + audience + ") from application-default credentials"
        + (kind == null ? "" : " (" + kind + ")");
  }

  @Override
  public boolean mints() {
    return true;
  }

  @Override
  public synchronized String note() {
    if (!isUser) {
      return null;
    }
    return "these are a user's credentials: Google mints their ID token for the client that signed "
        + "them in, not for " + audience + "; IAP accepts it only if that client is on its programmatic-access "
        + "allowlist. A service account always works: gcloud auth application-default login "
        + "--impersonate-service-account=SA (it needs IAP access, and you roles/iam.serviceAccountTokenCreator on it)";
  }
}
