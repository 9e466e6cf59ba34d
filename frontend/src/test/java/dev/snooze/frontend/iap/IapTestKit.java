package dev.snooze.frontend.iap;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test kit: EC P-256 keys made with the JDK, ES256 JWTs signed by hand (JOSE R||S), and a JWK set
 * served from a loopback JDK HttpServer. Nothing leaves 127.0.0.1. Public for the frontend's
 * other test packages (the bad-input corpus puts it in front of the whole server).
 */
public final class IapTestKit implements AutoCloseable {
  public static final String AUDIENCE = "/projects/123456789012/global/backendServices/987654321";
  static final String EMAIL = "alice@example.com";
  static final String SUBJECT = "accounts.google.com:112233445566778899";

  /** One signing key and its kid. */
  public record Key(String kid, KeyPair pair) {
    String jwk() {
      ECPublicKey pub = (ECPublicKey) pair.getPublic();
      JsonObject jwk = new JsonObject();
      jwk.addProperty("kty", "EC");
      jwk.addProperty("crv", "P-256");
      jwk.addProperty("x", b64(unsigned32(pub.getW().getAffineX())));
      jwk.addProperty("y", b64(unsigned32(pub.getW().getAffineY())));
      jwk.addProperty("kid", kid);
      jwk.addProperty("alg", "ES256");
      jwk.addProperty("use", "sig");
      return jwk.toString();
    }
  }

  /** Served keys; mutable so tests can rotate, break or slow down the key URL. */
  final List<Key> served = new ArrayList<>();
  final AtomicInteger fetches = new AtomicInteger();
  volatile boolean broken;
  /** When set, each key fetch waits for it to open: a key URL as slow as the test wants. */
  volatile java.util.concurrent.CountDownLatch gate;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final HttpServer server;

  public IapTestKit() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/keys", exchange -> {
      fetches.incrementAndGet();
      java.util.concurrent.CountDownLatch held = gate;
      try {
        if (held != null) {
          held.await(60, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (broken) {
        exchange.close(); // no response at all: an I/O error for the client, no retries
        return;
      }
      StringBuilder json = new StringBuilder("{\"keys\":[");
      synchronized (served) {
        for (int i = 0; i < served.size(); i++) {
          json.append(i == 0 ? "" : ",").append(served.get(i).jwk());
        }
      }
      byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jwk-server");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  URI keysUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/keys");
  }

  public IapVerifier verifier() {
    return new IapVerifier(AUDIENCE, keysUrl(), clock, null, java.time.Duration.ofMinutes(1));
  }

  public static Key newKey(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new Key(kid, generator.generateKeyPair());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public Key serve(Key key) {
    synchronized (served) {
      served.add(key);
    }
    return key;
  }

  public long now() {
    return clock.millis() / 1000;
  }

  /** Claims IAP would send now for {@link #AUDIENCE}. */
  public JsonObject claims() {
    JsonObject claims = new JsonObject();
    claims.addProperty("iss", IapVerifier.ISSUER);
    claims.addProperty("aud", AUDIENCE);
    claims.addProperty("iat", now() - 5);
    claims.addProperty("exp", now() + 600);
    claims.addProperty("sub", SUBJECT);
    claims.addProperty("email", EMAIL);
    claims.addProperty("hd", "example.com");
    return claims;
  }

  public static JsonObject header(String alg, String kid) {
    JsonObject header = new JsonObject();
    header.addProperty("alg", alg);
    header.addProperty("typ", "JWT");
    if (kid != null) {
      header.addProperty("kid", kid);
    }
    return header;
  }

  /** A valid ES256 token from {@code key}. */
  public String token(Key key) {
    return sign(header("ES256", key.kid()), claims(), key.pair().getPrivate());
  }

  public String token(Key key, JsonObject claims) {
    return sign(header("ES256", key.kid()), claims, key.pair().getPrivate());
  }

  public static String sign(JsonObject header, JsonObject claims, PrivateKey privateKey) {
    String input = b64(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
        + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
      es256.initSign(privateKey);
      es256.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(es256.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code alg: none}, unsigned: header.payload. (empty signature). */
  public String unsigned(Key key) {
    return b64(header("none", key.kid()).toString().getBytes(StandardCharsets.UTF_8)) + "."
        + b64(claims().toString().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  public static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] unsigned32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private final AtomicLong millis;

    MutableClock(Instant start) {
      millis = new AtomicLong(start.toEpochMilli());
    }

    void advanceSeconds(long seconds) {
      millis.addAndGet(seconds * 1000);
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
