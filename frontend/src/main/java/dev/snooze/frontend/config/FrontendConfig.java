package dev.snooze.frontend.config;

import dev.snooze.config.Env;
import dev.snooze.config.GcpNames;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The frontend's configuration, from environment variables (Terraform sets them on the
 * frontend VM's container; the local stack on its local frontend): the one place they are read
 * and validated. A bad value stops the frontend with a message naming the variable and the fix.
 * Each component is handed only its own part.
 */
public record FrontendConfig(
    ServerSettings server,
    ProxySettings proxy,
    ReadinessSettings readiness,
    HoldSettings hold,
    IapSettings iap,
    ActivitySettings activity) {

  private static final Pattern URL = Pattern.compile("https?://[^\\s/]+(/\\S*)?");
  private static final Pattern PATHS = Pattern.compile("/[^\\s,]*(,/[^\\s,]*)*");
  private static final Pattern PATH = Pattern.compile("/\\S*");
  private static final Pattern AUDIENCE = Pattern.compile("/projects/\\d+/(global|apps)/\\S+");
  private static final Pattern WAKE_ON = Pattern.compile("(?i)open|typing|send");
  private static final Pattern NAME = Pattern.compile("[-A-Za-z0-9._]{1,63}");
  private static final String BACKEND_EXPECTED =
      "the GPU backend's base URL, e.g. http://10.10.0.5:11434 (the internal load balancer)";

  public static final String GOOGLE_IAP_KEYS = "https://www.gstatic.com/iap/verify/public_key-jwk";

  public static FrontendConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    // 0: any free port, named in the "frontend listening" log line (the local stack and tests use it).
    int port = env.integer("SNOOZE_PORT", 8080, 0, 65535);
    String backend = env.string("SNOOZE_BACKEND_URL", null, URL, BACKEND_EXPECTED);
    if (env.raw("SNOOZE_BACKEND_URL") == null) {
      env.problem("SNOOZE_BACKEND_URL is not set: set it to " + BACKEND_EXPECTED);
    }
    String paths = env.string("SNOOZE_ALLOWED_PATHS", "/api/,/v1/", PATHS,
        "comma-separated path prefixes, each starting with '/', e.g. /api/,/v1/");
    String health = env.string("SNOOZE_BACKEND_HEALTH_PATH", "/", PATH, "a path such as / or /api/tags");
    Duration requestTimeout = env.duration("SNOOZE_REQUEST_TIMEOUT", Duration.ofMinutes(10));
    Duration wakeTimeout = env.duration("SNOOZE_WAKE_TIMEOUT", Duration.ofMinutes(10));
    int maxPending = env.integer("SNOOZE_MAX_PENDING", 100, 1, 100_000);
    int maxBody = env.integer("SNOOZE_MAX_BODY_BYTES", 10 * 1024 * 1024, 1, 1 << 30);
    String projectVar = env.raw("SNOOZE_PROJECT") != null ? "SNOOZE_PROJECT" : "GOOGLE_CLOUD_PROJECT";
    String project = env.string(projectVar, null, GcpNames.PROJECT, GcpNames.PROJECT_EXPECTED);
    if (env.raw(projectVar) == null) {
      env.problem("SNOOZE_PROJECT is not set: set it to the project that holds the activity topic");
    }
    String topic = env.string("SNOOZE_TOPIC", "snooze-activity", GcpNames.TOPIC, GcpNames.TOPIC_EXPECTED);
    String emulator = env.string("PUBSUB_EMULATOR_HOST", null, GcpNames.HOST_PORT,
        GcpNames.HOST_PORT_EXPECTED + " (leave it unset for Pub/Sub itself)");
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
    String wakeOn = env.string("SNOOZE_WAKE_ON", WakeOn.OPEN.wire(), WAKE_ON, WakeOn.EXPECTED);
    env.throwIfInvalid();

    Origin origin = Origin.of(URI.create(backend));
    return new FrontendConfig(
        new ServerSettings(port, Arrays.stream(paths.split(",")).toList(),
            status == null ? null : URI.create(status)),
        // Every held request is released at once when the GPU wakes, each on its own connection.
        new ProxySettings(origin, requestTimeout, maxBody, Math.max(64, maxPending * 2)),
        new ReadinessSettings(origin, health),
        new HoldSettings(wakeTimeout, maxPending, expectedWake),
        new IapSettings(audience, URI.create(keys)),
        new ActivitySettings(project, topic, emulator, instance, debounce, heartbeat, queue,
            WakeOn.fromWire(wakeOn).orElseThrow()));
  }

  private static String hostname(Map<String, String> environment) {
    String host = environment.getOrDefault("HOSTNAME", "frontend");
    return NAME.matcher(host).matches() ? host : "frontend";
  }
}
