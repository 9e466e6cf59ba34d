package dev.snooze.frontend.web;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the page's static files from the classpath folder {@code web/} ({@code /} is
 * {@code index.html}), with {@link SecurityHeaders} on every response.
 *
 * <p>Deliberately small instead of Vert.x's StaticHandler: a request path is served only when it
 * matches a strict allow-list ({@code /name.ext} or {@code /dir/name.ext}, letters, digits,
 * {@code - _ .}, no dot segment, no {@code %}, backslash or NUL, and a known extension); anything
 * else is a 404 without touching the classpath. So {@code ..}, encoded or not, can never leave
 * {@code web/}, there is no directory listing and no hidden file. Files are read once and kept
 * in memory (the page is a few small files), each with a strong ETag.
 *
 * <p>Only GET and HEAD (others: 405 with {@code Allow}). {@code Cache-Control: no-cache} on
 * every file (the names are not fingerprinted, so the browser revalidates: a 304 when unchanged).
 * Mount it last, at the root: {@code router.route().handler(pageHandler)}; under a sub-router its
 * mount point is stripped.
 */
public final class PageHandler implements Handler<RoutingContext> {
  public static final String DEFAULT_ROOT = "web";

  private static final Pattern SAFE_PATH =
      Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}){1,4}");
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("webp", "image/webp"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("webmanifest", "application/manifest+json"));

  private record Asset(Buffer body, String contentType, String etag) {}

  private final String root;
  private final ClassLoader loader;
  private final Map<String, Optional<Asset>> assets = new ConcurrentHashMap<>();

  /** Serves classpath {@code web/}. */
  public PageHandler() {
    this(DEFAULT_ROOT);
  }

  /** Serves the classpath folder {@code root} (letters, digits, '-', '_', '/'). */
  public PageHandler(String root) {
    if (!root.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")) {
      throw new IllegalArgumentException("not a plain classpath folder: " + root);
    }
    this.root = root;
    this.loader = PageHandler.class.getClassLoader();
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = SecurityHeaders.apply(ctx.response());
    HttpMethod method = ctx.request().method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      response.putHeader("Allow", "GET, HEAD");
      plain(response, 405, "Method Not Allowed");
      return;
    }
    String path = relativePath(ctx);
    if (path == null) {
      plain(response, 404, "Not Found");
      return;
    }
    if (path.equals("/")) {
      path = "/index.html";
    }
    Optional<Asset> asset = path.length() <= 512 && SAFE_PATH.matcher(path).matches()
        && !path.contains("/.") && !path.contains("..")
        ? lookup(path)
        : Optional.empty();
    if (asset.isEmpty()) {
      plain(response, 404, "Not Found");
      return;
    }
    Asset found = asset.get();
    response.putHeader("Cache-Control", "no-cache")
        .putHeader("ETag", found.etag());
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && matches(ifNoneMatch, found.etag())) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", found.contentType());
    if (method == HttpMethod.HEAD) {
      response.putHeader("Content-Length", Integer.toString(found.body().length())).end();
    } else {
      response.end(found.body());
    }
  }

  /** The raw (undecoded) path below the mount point, or null when it has a query-free oddity. */
  private static String relativePath(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path == null || path.isEmpty()) {
      return null;
    }
    String mount = ctx.mountPoint();
    if (mount != null && !mount.isEmpty() && !mount.equals("/")) {
      String prefix = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
      if (!path.startsWith(prefix)) {
        return null;
      }
      path = path.substring(prefix.length());
      if (path.isEmpty()) {
        path = "/";
      }
    }
    return path;
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  /** Found files are kept; misses are not (so random paths cannot grow the map). */
  private Optional<Asset> lookup(String path) {
    Optional<Asset> known = assets.get(path);
    if (known != null) {
      return known;
    }
    Optional<Asset> loaded = load(path);
    if (loaded.isPresent()) {
      assets.putIfAbsent(path, loaded);
    }
    return loaded;
  }

  private Optional<Asset> load(String path) {
    int dot = path.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (type == null) {
      return Optional.empty();
    }
    String name = root + path; // path starts with '/'
    URL url = loader.getResource(name);
    if (url == null || !isRegularFile(url)) {
      return Optional.empty();
    }
    try (InputStream in = url.openStream()) {
      byte[] bytes = in.readAllBytes();
      String etag = "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 16) + "\"";
      return Optional.of(new Asset(Buffer.buffer(bytes), type, etag));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Never a directory (a {@code file:} directory's stream would be its listing). */
  private static boolean isRegularFile(URL url) {
    try {
      switch (url.getProtocol()) {
        case "file":
          return Files.isRegularFile(Path.of(url.toURI()));
        case "jar": {
          URLConnection connection = url.openConnection(); // the shared, cached JarFile
          return connection instanceof JarURLConnection jar
              && jar.getJarEntry() != null && !jar.getJarEntry().isDirectory();
        }
        default:
          return false;
      }
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void plain(HttpServerResponse response, int status, String text) {
    response.setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(text);
  }
}
