package dev.snooze.frontend.iap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.snooze.frontend.iap.IapVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IapVerifierTest {
  private IapTestKit kit;
  private IapTestKit.Key key;
  private IapVerifier verifier;

  @BeforeEach
  void start() throws Exception {
    kit = new IapTestKit();
    key = kit.serve(IapTestKit.newKey("key-1"));
    verifier = kit.verifier();
  }

  @AfterEach
  void stop() {
    kit.close();
  }

  private void assertRefused(String token, Reason reason) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(IapVerificationException.class)
        .satisfies(e -> assertThat(((IapVerificationException) e).reason()).isEqualTo(reason))
        .satisfies(e -> {
          if (token != null && !token.isEmpty()) {
            assertThat(e.getMessage()).doesNotContain(token);
          }
        });
  }

  @Test
  void validTokenGivesTheIdentity() throws Exception {
    IapIdentity identity = verifier.verify(kit.token(key));
    assertThat(identity).isEqualTo(new IapIdentity(IapTestKit.EMAIL, IapTestKit.SUBJECT));
    assertThat(kit.fetches.get()).isEqualTo(1);
  }

  @Test
  void keysAreFetchedOnceAndVerifiedTokensRememberedUntilTheyExpire() throws Exception {
    String token = kit.token(key);
    verifier.verify(token);
    verifier.verify(kit.token(key, withClaim(kit.claims(), "email", "bob@example.com")));
    assertThat(kit.fetches.get()).isEqualTo(1);
    assertThat(verifier.cached(token)).isNotNull();
    kit.clock.advanceSeconds(601);
    assertThat(verifier.cached(token)).isNull();
    assertRefused(token, Reason.EXPIRED);
  }

  @Test
  void expired() {
    JsonObject claims = kit.claims();
    claims.addProperty("iat", kit.now() - 700);
    claims.addProperty("exp", kit.now() - 100);
    assertRefused(kit.token(key, claims), Reason.EXPIRED);
    // exactly at exp is expired too
    claims.addProperty("exp", kit.now());
    assertRefused(kit.token(key, claims), Reason.EXPIRED);
  }

  @Test
  void issuedInTheFuture() {
    JsonObject claims = kit.claims();
    claims.addProperty("iat", kit.now() + 120);
    claims.addProperty("exp", kit.now() + 720);
    assertRefused(kit.token(key, claims), Reason.NOT_YET_VALID);
  }

  @Test
  void notBeforeInTheFuture() {
    assertRefused(kit.token(key, withClaim(kit.claims(), "nbf", kit.now() + 120)),
        Reason.NOT_YET_VALID);
  }

  @Test
  void smallClockSkewOnIssuedAtIsTolerated() throws Exception {
    JsonObject claims = kit.claims();
    claims.addProperty("iat", kit.now() + 10);
    assertThat(verifier.verify(kit.token(key, claims)).email()).isEqualTo(IapTestKit.EMAIL);
  }

  @Test
  void wrongAudience() {
    assertRefused(kit.token(key, withClaim(kit.claims(), "aud",
        "/projects/123456789012/global/backendServices/111")), Reason.WRONG_AUDIENCE);
  }

  @Test
  void audienceAsAnArrayIsRefused() {
    JsonObject claims = kit.claims();
    com.google.gson.JsonArray aud = new com.google.gson.JsonArray();
    aud.add(IapTestKit.AUDIENCE);
    claims.add("aud", aud);
    assertRefused(kit.token(key, claims), Reason.WRONG_AUDIENCE);
  }

  @Test
  void wrongIssuer() {
    assertRefused(kit.token(key, withClaim(kit.claims(), "iss", "https://accounts.google.com")),
        Reason.WRONG_ISSUER);
  }

  @Test
  void algNoneUnsignedIsRefused() {
    assertRefused(kit.unsigned(key), Reason.MALFORMED);
  }

  @Test
  void algNoneWithSomeSignatureIsRefusedForItsAlgorithm() {
    String token = kit.unsigned(key) + "c2lnbmF0dXJl";
    assertRefused(token, Reason.UNSUPPORTED_ALGORITHM);
    assertThat(kit.fetches.get()).isZero();
  }

  @Test
  void otherAlgorithmsAreRefusedBeforeTheLibrary() {
    for (String alg : new String[] {"HS256", "RS256", "ES384", "es256", "NONE"}) {
      String token = IapTestKit.sign(IapTestKit.header(alg, key.kid()), kit.claims(),
          key.pair().getPrivate());
      assertRefused(token, Reason.UNSUPPORTED_ALGORITHM);
    }
    assertThat(kit.fetches.get()).isZero();
  }

  @Test
  void signedByAnotherKeyWithAKnownKid() {
    IapTestKit.Key impostor = IapTestKit.newKey(key.kid());
    assertRefused(kit.token(impostor), Reason.BAD_SIGNATURE);
  }

  @Test
  void tamperedPayload() {
    String[] parts = kit.token(key).split("\\.");
    String forged = IapTestKit.b64(withClaim(kit.claims(), "email", "mallory@example.com")
        .toString().getBytes(StandardCharsets.UTF_8));
    assertRefused(parts[0] + "." + forged + "." + parts[2], Reason.BAD_SIGNATURE);
  }

  @Test
  void unknownKid() {
    assertRefused(kit.token(IapTestKit.newKey("key-unknown")), Reason.UNKNOWN_KEY);
  }

  @Test
  void missingKid() {
    String token = IapTestKit.sign(IapTestKit.header("ES256", null), kit.claims(),
        key.pair().getPrivate());
    assertRefused(token, Reason.MALFORMED);
  }

  @Test
  void missingEmailOrExpiry() {
    JsonObject noEmail = kit.claims();
    noEmail.remove("email");
    assertRefused(kit.token(key, noEmail), Reason.MALFORMED);
    JsonObject noExp = kit.claims();
    noExp.remove("exp");
    assertRefused(kit.token(key, noExp), Reason.MALFORMED);
  }

  @Test
  void duplicateEmailClaimsNeverNameSomeoneElse() throws Exception {
    String payload = kit.claims().toString().replace("{", "{\"email\":\"mallory@example.com\",");
    String input = IapTestKit.b64(IapTestKit.header("ES256", key.kid()).toString()
        .getBytes(StandardCharsets.UTF_8)) + "." + IapTestKit.b64(payload.getBytes(StandardCharsets.UTF_8));
    java.security.Signature es256 = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
    es256.initSign(key.pair().getPrivate());
    es256.update(input.getBytes(StandardCharsets.US_ASCII));
    String token = input + "." + IapTestKit.b64(es256.sign());
    try {
      assertThat(verifier.verify(token).email()).isEqualTo(IapTestKit.EMAIL);
    } catch (IapVerificationException e) {
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    }
  }

  @Test
  void missingAndGarbage() {
    assertRefused(null, Reason.MISSING);
    assertRefused("", Reason.MISSING);
    assertRefused("garbage", Reason.MALFORMED);
    assertRefused("a.b.c", Reason.MALFORMED);
    assertRefused("x".repeat(10_000) + ".a.b", Reason.MALFORMED);
    String notJson = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("[1]".getBytes(StandardCharsets.UTF_8));
    assertRefused(notJson + "." + notJson + ".AAAA", Reason.MALFORMED);
  }

  @Test
  void rotatedKeyIsPickedUpOnceThenRateLimited() throws Exception {
    verifier.verify(kit.token(key));
    assertThat(kit.fetches.get()).isEqualTo(1);
    IapTestKit.Key next = kit.serve(IapTestKit.newKey("key-2"));
    assertThat(verifier.verify(kit.token(next)).email()).isEqualTo(IapTestKit.EMAIL);
    assertThat(kit.fetches.get()).isEqualTo(2);
    // a flood of unknown kids refetches at most once per window
    for (int i = 0; i < 5; i++) {
      assertRefused(kit.token(IapTestKit.newKey("bogus-" + i)), Reason.UNKNOWN_KEY);
    }
    assertThat(kit.fetches.get()).isEqualTo(2);
  }

  @Test
  void keyUrlDownIsKeysUnavailableAndRecovers() throws Exception {
    kit.broken = true;
    String token = kit.token(key);
    assertRefused(token, Reason.KEYS_UNAVAILABLE);
    kit.broken = false;
    assertThat(verifier.verify(token).email()).isEqualTo(IapTestKit.EMAIL);
  }

  private static JsonObject withClaim(JsonObject claims, String name, Object value) {
    if (value instanceof Number n) {
      claims.addProperty(name, n);
    } else {
      claims.addProperty(name, value.toString());
    }
    return claims;
  }

  @Test
  void aSignatureOfTheWrongLengthIsABadSignatureNotACrash() {
    String token = kit.token(key);
    String withoutSignature = token.substring(0, token.lastIndexOf('.') + 1);
    assertRefused(token + "x", Reason.BAD_SIGNATURE);
    assertRefused(token + "AAAA", Reason.BAD_SIGNATURE);
    assertRefused(token.substring(0, token.length() - 4), Reason.BAD_SIGNATURE);
    assertRefused(withoutSignature + IapTestKit.b64(new byte[72]), Reason.BAD_SIGNATURE);
  }
}
