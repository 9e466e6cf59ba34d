package dev.snooze.frontend.config;

import dev.snooze.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The frontend's configuration, from environment variables (Terraform sets them on the
 * frontend VM's container; the local stack on its local frontend). Validated at start-up: a bad
 * value stops the frontend with a message naming the variable and the fix.
 *
 * @param backendUrl the GPU backend's base URL: the internal load balancer (e.g. {@code http://10.10.0.5:11434})
 * @param allowedPaths path prefixes proxied to the backend; anything else is never forwarded
 * @param backendHealthPath the backend path that answers 2xx once the model serves
 * @param requestTimeout the longest a proxied request may take, stream included
 * @param wakeTimeout how long a request is held while the GPU wakes before a 503
 * @param maxPending how many requests may be held at once before new ones get a 503
 * @param maxBodyBytes the largest request body forwarded
 * @param topic the activity topic ({@code projects/P/topics/T} is built from project and topic)
 * @param debounce at most one activity message per this window
 * @param heartbeatInterval a heartbeat while requests are in flight, this often
 * @param statusUrl the Status function's URL, or null (the page then shows the backend's readiness only)
 * @param iapAudience the IAP audience ({@code /projects/NUMBER/global/backendServices/ID}); null turns IAP verification off
 * @param iapKeysUrl where Google publishes IAP's public keys (JWK)
 * @param instanceId this frontend's name in activity messages
 * @param expectedWake how long a wake usually takes, for the page's progress bar
 */
public record FrontendConfig(
    int port,
    URI backendUrl,
    List<String> allowedPaths,
    String backendHealthPath,
    Duration requestTimeout,
    Duration wakeTimeout,
    int maxPending,
    int maxBodyBytes,
    String project,
    String topic,
    String pubsubEmulatorHost,
    Duration debounce,
    Duration heartbeatInterval,
    int activityQueue,
    URI statusUrl,
    String iapAudience,
    URI iapKeysUrl,
    String instanceId,
    Duration expectedWake) {

  private static final Pattern URL = Pattern.compile("https?://[^\\s/]+(/\\S*)?");
  private static final Pattern PATHS = Pattern.compile("/[^\\s,]*(,/[^\\s,]*)*");
  private static final Pattern PATH = Pattern.compile("/\\S*");
  private static final Pattern PROJECT = Pattern.compile("[a-z][-a-z0-9]{4,28}[a-z0-9]");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z][-A-Za-z0-9._~%+]{2,254}");
  private static final Pattern HOST_PORT = Pattern.compile("[^\\s:/]+:\\d{1,5}");
  private static final Pattern AUDIENCE = Pattern.compile("/projects/\\d+/(global|apps)/\\S+");
  private static final Pattern NAME = Pattern.compile("[-A-Za-z0-9._]{1,63}");

  public static final String GOOGLE_IAP_KEYS = "https://www.gstatic.com/iap/verify/public_key-jwk";

  public static FrontendConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    // 0: any free port, named in the "frontend listening" log line (the local stack and tests use it).
    int port = env.integer("SNOOZE_PORT", 8080, 0, 65535);
    String backend = env.string("SNOOZE_BACKEND_URL", null, URL,
        "the GPU backend's base URL, e.g. http://10.10.0.5:11434 (the internal load balancer)");
    if (env.raw("SNOOZE_BACKEND_URL") == null) {
      env.problem("SNOOZE_BACKEND_URL is not set: set it to the GPU backend's base URL,"
          + " e.g. http://10.10.0.5:11434 (the internal load balancer)");
    }
    String paths = env.string("SNOOZE_ALLOWED_PATHS", "/api/", PATHS,
        "comma-separated path prefixes, each starting with '/', e.g. /api/,/v1/");
    String health = env.string("SNOOZE_BACKEND_HEALTH_PATH", "/", PATH, "a path such as / or /api/tags");
    Duration requestTimeout = env.duration("SNOOZE_REQUEST_TIMEOUT", Duration.ofMinutes(10));
    Duration wakeTimeout = env.duration("SNOOZE_WAKE_TIMEOUT", Duration.ofMinutes(10));
    int maxPending = env.integer("SNOOZE_MAX_PENDING", 100, 1, 100_000);
    int maxBody = env.integer("SNOOZE_MAX_BODY_BYTES", 10 * 1024 * 1024, 1, 1 << 30);
    String projectVar = env.raw("SNOOZE_PROJECT") != null ? "SNOOZE_PROJECT" : "GOOGLE_CLOUD_PROJECT";
    String project = env.string(projectVar, null, PROJECT,
        "a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter");
    if (env.raw(projectVar) == null) {
      env.problem("SNOOZE_PROJECT is not set: set it to the project that holds the activity topic");
    }
    String topic = env.string("SNOOZE_TOPIC", "snooze-activity", TOPIC,
        "a topic ID: 3 to 255 characters, starting with a letter");
    String emulator = env.string("PUBSUB_EMULATOR_HOST", null, HOST_PORT,
        "the emulator's HOST:PORT, e.g. 127.0.0.1:8085 (leave it unset for Pub/Sub itself)");
    Duration debounce = env.duration("SNOOZE_ACTIVITY_DEBOUNCE", Duration.ofSeconds(30));
    Duration heartbeat = env.duration("SNOOZE_HEARTBEAT_INTERVAL", Duration.ofSeconds(30));
    int queue = env.integer("SNOOZE_ACTIVITY_QUEUE", 1000, 1, 1_000_000);
    String status = env.string("SNOOZE_STATUS_URL", null, URL, "the Status function's URL");
    String audience = env.string("SNOOZE_IAP_AUDIENCE", null, AUDIENCE,
        "the IAP audience, /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID"
            + " (leave it unset only when IAP is off)");
    String keys = env.string("SNOOZE_IAP_KEYS_URL", GOOGLE_IAP_KEYS, URL, "a JWK set URL");
    String instance = env.string("SNOOZE_INSTANCE_ID", hostname(environment), NAME,
        "a short name: letters, digits, '-', '.' or '_'");
    Duration expectedWake = env.duration("SNOOZE_EXPECTED_WAKE", Duration.ofSeconds(90));
    env.throwIfInvalid();
    return new FrontendConfig(port, URI.create(stripSlash(backend)),
        Arrays.stream(paths.split(",")).toList(), health, requestTimeout, wakeTimeout, maxPending,
        maxBody, project, topic, emulator, debounce, heartbeat, queue,
        status == null ? null : URI.create(status), audience, URI.create(keys), instance, expectedWake);
  }

  /** True when every request must carry a valid IAP assertion. */
  public boolean iapEnabled() {
    return iapAudience != null;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String hostname(Map<String, String> environment) {
    String host = environment.getOrDefault("HOSTNAME", "frontend");
    return NAME.matcher(host).matches() ? host : "frontend";
  }
}
