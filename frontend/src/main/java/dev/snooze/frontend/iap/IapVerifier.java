package dev.snooze.frontend.iap;

import static dev.snooze.frontend.iap.IapVerificationException.Reason.BAD_SIGNATURE;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.EXPIRED;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.KEYS_UNAVAILABLE;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.MALFORMED;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.MISSING;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.NOT_YET_VALID;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.UNKNOWN_KEY;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.UNSUPPORTED_ALGORITHM;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.WRONG_AUDIENCE;
import static dev.snooze.frontend.iap.IapVerificationException.Reason.WRONG_ISSUER;

import com.google.api.client.json.webtoken.JsonWebSignature;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.TokenVerifier;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.snooze.frontend.config.FrontendConfig;
import dev.snooze.frontend.config.IapSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Verifies IAP's signed header ({@code x-goog-iap-jwt-assertion}): an ES256 JWT signed by one of
 * the keys published at the configured JWK URL, issued by {@code https://cloud.google.com/iap}
 * for this backend service's audience, not expired, not issued in the future.
 *
 * <p>Signature, audience, issuer, expiry and key lookup are google-auth-library's
 * {@link TokenVerifier}. Before it, this class checks the shape itself and refuses anything but
 * {@code alg: ES256} (so {@code none}, HS256 and RS256 never reach the library), and after it
 * requires {@code exp}, {@code iat}, {@code email} and {@code sub} (the library checks {@code exp}
 * only when present and never looks at {@code iat}).
 *
 * <p>Keys: the library caches the JWK set per URL for one hour (after a successful fetch; a failed
 * fetch is not cached and is retried on the next request). A {@code kid} it does not know would
 * otherwise fail for up to that hour after Google rotates keys, so on an unknown {@code kid} this
 * class starts a fresh cache and retries once, at most once per {@code minKeyRefresh}.
 *
 * <p>{@link #verify} may block on the key fetch (seconds when the URL is slow): never call it on
 * an event loop. Successful verifications are remembered until the token's {@code exp}, and
 * {@link #cached} answers those without blocking. Thread-safe.
 */
public final class IapVerifier {
  public static final String ISSUER = "https://cloud.google.com/iap";
  public static final String ALGORITHM = "ES256";
  /** Leeway for {@code iat}/{@code nbf} against this machine's clock (both sides use Google NTP). */
  public static final Duration ALLOWED_SKEW = Duration.ofSeconds(30);
  /** Tokens longer than this are refused before any parsing. */
  static final int MAX_TOKEN_CHARS = 8 * 1024;
  private static final int MAX_REMEMBERED = 1024;
  /** JOSE's ES256 signature: R and S, 32 bytes each. */
  private static final int ES256_SIGNATURE_BYTES = 64;
  private static final Pattern COMPACT_JWS =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  private final String audience;
  private final URI keysUrl;
  private final Clock clock;
  private final HttpTransportFactory transportFactory;
  private final long minKeyRefreshNanos;
  private final AtomicReference<TokenVerifier> library = new AtomicReference<>();
  private final AtomicLong lastRefresh = new AtomicLong();
  private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();

  private record Remembered(IapIdentity identity, long expiresAtSeconds) {}

  /** The production verifier for {@code settings}; IAP must be on (an audience set). */
  public static IapVerifier forConfig(IapSettings settings) {
    if (!settings.enabled()) {
      throw new IllegalStateException("IAP verification is off (SNOOZE_IAP_AUDIENCE is not set)");
    }
    return new IapVerifier(settings.audience(), settings.keysUrl(), Clock.systemUTC(), null,
        Duration.ofMinutes(1));
  }

  /**
   * @param audience {@code /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID}
   * @param keysUrl the JWK set URL ({@link FrontendConfig#GOOGLE_IAP_KEYS} in production)
   * @param clock the time for expiry checks (tests inject theirs)
   * @param transportFactory HTTP transport for the key fetch, or null for the library's default
   * @param minKeyRefresh at most one forced key refresh (unknown {@code kid}) per this window
   */
  public IapVerifier(String audience, URI keysUrl, Clock clock, HttpTransportFactory transportFactory,
      Duration minKeyRefresh) {
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("an IAP audience is required");
    }
    this.audience = audience;
    this.keysUrl = Objects.requireNonNull(keysUrl, "keysUrl");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.transportFactory = transportFactory;
    this.minKeyRefreshNanos = minKeyRefresh.toNanos();
    library.set(newLibraryVerifier());
  }

  public String audience() {
    return audience;
  }

  /**
   * The identity for a token this verifier accepted before and that has not expired since, or
   * null (then call {@link #verify}). Never blocks.
   */
  public IapIdentity cached(String token) {
    if (token == null) {
      return null;
    }
    Remembered entry = remembered.get(token);
    if (entry == null) {
      return null;
    }
    if (entry.expiresAtSeconds() <= nowSeconds()) {
      remembered.remove(token, entry);
      return null;
    }
    return entry.identity();
  }

  /**
   * Verifies {@code token} (the raw header value) and returns who it names.
   *
   * @throws IapVerificationException missing, malformed, not ES256, expired, not yet valid, wrong
   *     audience or issuer, unknown key, bad signature; or the keys could not be fetched
   */
  public IapIdentity verify(String token) throws IapVerificationException {
    if (token == null || token.isBlank()) {
      throw new IapVerificationException(MISSING, "missing IAP assertion");
    }
    IapIdentity known = cached(token);
    if (known != null) {
      return known;
    }
    if (token.length() > MAX_TOKEN_CHARS || !COMPACT_JWS.matcher(token).matches()) {
      throw new IapVerificationException(MALFORMED, "not a compact signed JWT");
    }
    String[] parts = token.split("\\.", -1);
    JsonObject header = decodeObject(parts[0], "header");
    JsonObject payload = decodeObject(parts[1], "payload");

    // Our own checks first: the algorithm is pinned, whatever the library would accept.
    String alg = string(header, "alg");
    if (!ALGORITHM.equals(alg)) {
      throw new IapVerificationException(UNSUPPORTED_ALGORITHM,
          "unsupported algorithm (only ES256 is accepted)");
    }
    // The library assumes JOSE's 64-byte R||S and throws IllegalStateException on any other.
    if (signatureLength(parts[2]) != ES256_SIGNATURE_BYTES) {
      throw new IapVerificationException(BAD_SIGNATURE, "bad signature (ES256 signatures are 64 bytes)");
    }
    String kid = string(header, "kid");
    if (kid == null || kid.isEmpty()) {
      throw new IapVerificationException(MALFORMED, "no key ID (kid)");
    }
    if (!ISSUER.equals(string(payload, "iss"))) {
      throw new IapVerificationException(WRONG_ISSUER, "wrong issuer");
    }
    JsonElement aud = payload.get("aud");
    if (!(aud instanceof JsonPrimitive p && p.isString() && audience.equals(p.getAsString()))) {
      throw new IapVerificationException(WRONG_AUDIENCE, "wrong audience");
    }
    long now = nowSeconds();
    long exp = seconds(payload, "exp", true);
    long iat = seconds(payload, "iat", true);
    long nbf = seconds(payload, "nbf", false);
    if (exp <= now) {
      throw new IapVerificationException(EXPIRED, "expired");
    }
    long skew = ALLOWED_SKEW.toSeconds();
    if (iat > now + skew || (nbf != Long.MIN_VALUE && nbf > now + skew)) {
      throw new IapVerificationException(NOT_YET_VALID, "issued in the future");
    }
    String email = string(payload, "email");
    String subject = string(payload, "sub");
    if (email == null || email.isEmpty() || subject == null || subject.isEmpty()) {
      throw new IapVerificationException(MALFORMED, "no email or subject");
    }

    // Then the library: signature against the published key, audience, issuer, expiry again.
    JsonWebSignature verified;
    try {
      verified = libraryVerify(token);
    } catch (RuntimeException e) {
      // Whatever else the library trips over in a token that passed our checks is still the
      // token's fault: a 401, never the handler's 500.
      throw new IapVerificationException(MALFORMED, "not a compact signed JWT", e);
    }
    if (!ALGORITHM.equals(verified.getHeader().getAlgorithm())) {
      throw new IapVerificationException(UNSUPPORTED_ALGORITHM, "unsupported algorithm");
    }
    // The identity is what the library verified; it must agree with our own parse (no parser
    // differential, e.g. duplicate keys, may change who the token names).
    Object verifiedEmail = verified.getPayload().get("email");
    if (!email.equals(verifiedEmail) || !subject.equals(verified.getPayload().getSubject())) {
      throw new IapVerificationException(MALFORMED, "ambiguous email or subject");
    }
    IapIdentity identity = new IapIdentity(email, subject);
    remember(token, identity, exp);
    return identity;
  }

  private JsonWebSignature libraryVerify(String token) throws IapVerificationException {
    try {
      return library.get().verify(token);
    } catch (TokenVerifier.VerificationException e) {
      IapVerificationException mapped = map(e);
      if (mapped.reason() == UNKNOWN_KEY && mayRefreshKeys()) {
        // Load the keys into a fresh verifier first; swap it in once it holds keys, so that
        // other requests keep using the old keys while the fetch runs.
        TokenVerifier fresh = newLibraryVerifier();
        try {
          JsonWebSignature verified = fresh.verify(token);
          library.set(fresh);
          return verified;
        } catch (TokenVerifier.VerificationException again) {
          IapVerificationException refused = map(again);
          if (refused.reason() != KEYS_UNAVAILABLE) {
            library.set(fresh);
          }
          throw refused;
        }
      }
      throw mapped;
    }
  }

  /** One forced refresh per window (0 = never refreshed); the first one is always allowed. */
  private boolean mayRefreshKeys() {
    long now = System.nanoTime();
    long last = lastRefresh.get();
    if (last != 0 && now - last < minKeyRefreshNanos) {
      return false;
    }
    return lastRefresh.compareAndSet(last, now == 0 ? 1 : now);
  }

  private static IapVerificationException map(TokenVerifier.VerificationException e) {
    String message = String.valueOf(e.getMessage());
    // The library's messages (google-auth-library 1.42): the only way it tells failures apart.
    if (message.startsWith("Could not find PublicKey")) {
      return new IapVerificationException(UNKNOWN_KEY, "unknown signing key", e);
    }
    if (message.startsWith("Error fetching PublicKey")) {
      return new IapVerificationException(KEYS_UNAVAILABLE, "IAP public keys unavailable", e);
    }
    if (message.startsWith("Expected audience")) {
      return new IapVerificationException(WRONG_AUDIENCE, "wrong audience", e);
    }
    if (message.startsWith("Expected issuer")) {
      return new IapVerificationException(WRONG_ISSUER, "wrong issuer", e);
    }
    if (message.startsWith("Token is expired")) {
      return new IapVerificationException(EXPIRED, "expired", e);
    }
    if (message.startsWith("Error parsing")) {
      return new IapVerificationException(MALFORMED, "not a compact signed JWT", e);
    }
    return new IapVerificationException(BAD_SIGNATURE, "bad signature", e);
  }

  private TokenVerifier newLibraryVerifier() {
    TokenVerifier.Builder builder = TokenVerifier.newBuilder()
        .setAudience(audience)
        .setIssuer(ISSUER)
        .setCertificatesLocation(keysUrl.toString())
        .setClock(clock::millis);
    if (transportFactory != null) {
      builder.setHttpTransportFactory(transportFactory);
    }
    return builder.build();
  }

  private void remember(String token, IapIdentity identity, long exp) {
    if (remembered.size() >= MAX_REMEMBERED) {
      long now = nowSeconds();
      remembered.values().removeIf(r -> r.expiresAtSeconds() <= now);
      if (remembered.size() >= MAX_REMEMBERED) {
        remembered.clear();
      }
    }
    remembered.put(token, new Remembered(identity, exp));
  }

  private long nowSeconds() {
    return Math.floorDiv(clock.millis(), 1000L);
  }

  private static JsonObject decodeObject(String part, String what) throws IapVerificationException {
    try {
      String json = new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
      JsonElement element = JsonParser.parseString(json);
      if (!element.isJsonObject()) {
        throw new IapVerificationException(MALFORMED, "the " + what + " is not a JSON object");
      }
      return element.getAsJsonObject();
    } catch (IllegalArgumentException | com.google.gson.JsonParseException e) {
      throw new IapVerificationException(MALFORMED, "the " + what + " is not base64url JSON");
    }
  }

  private static int signatureLength(String part) {
    try {
      return Base64.getUrlDecoder().decode(part).length;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private static String string(JsonObject object, String name) {
    JsonElement value = object.get(name);
    return value instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
  }

  /** A NumericDate claim; Long.MIN_VALUE when absent and optional. */
  private static long seconds(JsonObject object, String name, boolean required)
      throws IapVerificationException {
    JsonElement value = object.get(name);
    if (value == null || value.isJsonNull()) {
      if (required) {
        throw new IapVerificationException(MALFORMED, "no " + name + " claim");
      }
      return Long.MIN_VALUE;
    }
    if (!(value instanceof JsonPrimitive p && p.isNumber())) {
      throw new IapVerificationException(MALFORMED, "the " + name + " claim is not a number");
    }
    try {
      return p.getAsBigDecimal().longValue();
    } catch (NumberFormatException e) {
      throw new IapVerificationException(MALFORMED, "the " + name + " claim is not a number");
    }
  }
}
