package dev.snooze.cli.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.UserCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** ID tokens from application-default credentials, without Google: what is said about the credentials. */
class SmokeAdcIdTokenTest {
  private static final String AUDIENCE = "123-abc.apps.googleusercontent.com";

  @Test
  void credentialsThatCannotMintIdTokensFailTheTokenStepWithTheWayOut() {
    AdcIdToken tokens = new AdcIdToken(AUDIENCE, "IAP's OAuth client",
        () -> GoogleCredentials.create(new AccessToken("access", null)));

    assertThatThrownBy(tokens::token).isInstanceOfSatisfying(SmokeFailure.class, failure -> {
      assertThat(failure.step()).isEqualTo("token");
      assertThat(failure.getMessage()).contains("(GoogleCredentials) cannot mint ID tokens",
          "--impersonate-service-account=SA", "--token");
    });
  }

  @Test
  void aUsersCredentialsMintATokenButAreWarnedAboutItsAudience() throws Exception {
    String idToken = jwt("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
        "{\"aud\":\"32555940559.apps.googleusercontent.com\",\"email\":\"me@example.com\",\"iat\":"
            + Instant.now().getEpochSecond() + ",\"exp\":" + Instant.now().plusSeconds(3600).getEpochSecond() + "}");
    MockHttpTransport google = new MockHttpTransport.Builder()
        .setLowLevelHttpResponse(new MockLowLevelHttpResponse()
            .setContentType("application/json")
            .setContent("{\"access_token\":\"access\",\"expires_in\":3600,\"id_token\":\"" + idToken + "\"}"))
        .build();
    AdcIdToken tokens = new AdcIdToken(AUDIENCE, "IAP's OAuth client", () -> UserCredentials.newBuilder()
        .setClientId("client").setClientSecret("secret").setRefreshToken("refresh")
        .setHttpTransportFactory(() -> google)
        .build());

    assertThat(tokens.token()).isEqualTo(idToken);
    assertThat(tokens.describe()).isEqualTo("an ID token for IAP's OAuth client (" + AUDIENCE
        + ") from application-default credentials (UserCredentials)").doesNotContain(idToken);
    assertThat(tokens.note()).contains("a user's credentials", "not for " + AUDIENCE, "programmatic-access allowlist",
        "--impersonate-service-account=SA");
  }

  private static String jwt(String header, String payload) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    return base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
  }
}
