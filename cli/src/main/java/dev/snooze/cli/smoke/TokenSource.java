package dev.snooze.cli.smoke;

/**
 * The bearer token that requests carry: none (the local stack), one the user got elsewhere, or a
 * Google ID token minted from application-default credentials ({@link AdcIdToken}). Its
 * {@link #describe()} goes into the output and failure messages; the token itself never does.
 */
interface TokenSource {
  /** The token to send as {@code Authorization: Bearer}, or null to send none. */
  String token() throws SmokeFailure;

  /** What is sent, for people: never the token. */
  String describe();

  /** Whether the token is minted here (so minting is a step of its own, timed and named in failures). */
  default boolean mints() {
    return false;
  }

  /** A warning about the credentials once a token was had; null when there is none. */
  default String note() {
    return null;
  }

  static TokenSource none() {
    return new TokenSource() {
      @Override
      public String token() {
        return null;
      }

      @Override
      public String describe() {
        return "no token";
      }
    };
  }

  /** @param from where it came from: {@code --token} or {@code $SNOOZE_TOKEN} */
  static TokenSource fixed(String token, String from) {
    return new TokenSource() {
      @Override
      public String token() {
        return token;
      }

      @Override
      public String describe() {
        return "the token from " + from;
      }
    };
  }
}
