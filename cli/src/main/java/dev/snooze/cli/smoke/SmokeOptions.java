package dev.snooze.cli.smoke;

import dev.snooze.config.Env;
import dev.snooze.config.GcpNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code snooze smoke} was asked to do, validated: every problem is a {@link UsageException}
 * naming the option.
 *
 * @param frontend the frontend's base URL, without a trailing slash
 * @param pubsubEmulator HOST:PORT of a Pub/Sub emulator; null for Pub/Sub itself
 * @param model null: the first model the backend lists
 * @param iapAudience mint an ID token for this audience (IAP's OAuth client ID) from ADC; null: none
 * @param token a bearer token got elsewhere; null: none. Never printed ({@link #toString()})
 * @param tokenFrom where the token came from ({@code --token} or {@code $SNOOZE_TOKEN}), for messages
 * @param statusUrl where Status is read; null: the frontend's {@code /snooze/status}
 */
record SmokeOptions(
    URI frontend,
    String project,
    String topic,
    String pubsubEmulator,
    Api api,
    String model,
    String prompt,
    Duration timeout,
    Duration poll,
    String iapAudience,
    String token,
    String tokenFrom,
    URI statusUrl) {

  static final String TOKEN_ENV = "SNOOZE_TOKEN";
  static final String EMULATOR_ENV = "PUBSUB_EMULATOR_HOST";
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);
  static final Duration DEFAULT_POLL = Duration.ofSeconds(1);
  static final String DEFAULT_PROMPT = "Are you awake? Answer in one short sentence.";

  static final String HELP = """
      usage: java -jar snooze.jar smoke --frontend URL --topic TOPIC [options]

      Wakes a deployment through its activity topic, watches Status go WAKING -> AWAKE, sends one
      prompt through the frontend and prints each step with its time. Run it after terraform apply.
      Exit 0: it answered; 1: a step failed (the message names it); 2: bad usage.

        --frontend URL          the frontend, e.g. https://snooze.example.com (terraform output page_url)
        --topic TOPIC           the activity topic: projects/P/topics/T (terraform output topic),
                                or its name with --project
        --project PROJECT       the project of a topic given by name
        --pubsub-emulator H:P   publish to a Pub/Sub emulator, without credentials
                                (default: $PUBSUB_EMULATOR_HOST; else Pub/Sub with application-default
                                credentials, which need roles/pubsub.publisher on the topic)
        --iap-audience ID       authenticate to IAP with an ID token for ID, minted from
                                application-default credentials of a service account (or impersonating one):
                                IAP's OAuth client ID, CLIENT_ID.apps.googleusercontent.com
        --token TOKEN           a token got elsewhere, sent as Authorization: Bearer, e.g.
                                $(gcloud auth print-identity-token --impersonate-service-account=SA
                                --audiences=CLIENT_ID --include-email); better in $SNOOZE_TOKEN,
                                which other users' ps does not show. Tokens are never printed.
                                Neither option: no token (the local stack).
        --status-url URL        read Status from the Status function itself (terraform output
                                function_urls; internal ingress: from inside the VPC), with an ID token
                                for URL from application-default credentials when it is https
                                (default: FRONTEND/snooze/status, with the token above)
        --api ollama|openai     the prompt's API: /api/generate (default) or /v1/chat/completions
        --model NAME            the model to prompt (default: the first the backend lists)
        --prompt TEXT           the prompt (default: "%s")
        --timeout DURATION      for the whole smoke (default 15m: a real cold start takes minutes);
                                e.g. 90s, 15m, 1h, 120 (seconds) or PT15M
        --poll DURATION         how often Status is read (default 1s)
        -h, --help              this help
      """.formatted(DEFAULT_PROMPT);

  private static final Set<String> OPTIONS = Set.of("--frontend", "--topic", "--project", "--pubsub-emulator",
      "--iap-audience", "--token", "--status-url", "--api", "--model", "--prompt", "--timeout", "--poll");

  private static final Pattern FULL_TOPIC = Pattern.compile("projects/([^/]+)/topics/([^/]+)");
  private static final Pattern SUFFIXED = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  /** Never the token itself: records print every field, and this one ends up in logs. */
  @Override
  public String toString() {
    return "SmokeOptions[frontend=" + frontend + ", project=" + project + ", topic=" + topic
        + ", pubsubEmulator=" + pubsubEmulator + ", api=" + api + ", model=" + model + ", timeout=" + timeout
        + ", poll=" + poll + ", iapAudience=" + iapAudience + ", token=" + (token == null ? "none" : "(" + tokenFrom + ")")
        + ", statusUrl=" + statusUrl + "]";
  }

  /** The full topic path, as Pub/Sub and the terraform output name it. */
  String topicPath() {
    return "projects/" + project + "/topics/" + topic;
  }

  /** Where Status is read. */
  URI statusEndpoint() {
    return statusUrl != null ? statusUrl : URI.create(frontend + "/snooze/status");
  }

  /**
   * @param env the environment ({@value #EMULATOR_ENV}, {@value #TOKEN_ENV})
   * @return null when help was asked for
   */
  static SmokeOptions parse(String[] args, Map<String, String> env) throws UsageException {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      String name = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      if (!OPTIONS.contains(name)) {
        throw new UsageException("unknown option '" + name + "'");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(name + " needs a value");
        }
        value = args[++i];
      }
      if (given.put(name, value) != null) {
        throw new UsageException(name + " is given twice");
      }
    }

    URI frontend = url("--frontend", required(given, "--frontend", "the frontend's URL, e.g. https://snooze.example.com"));
    String[] topic = topic(required(given, "--topic", "the activity topic, projects/P/topics/T"), given.get("--project"));
    String emulator = given.containsKey("--pubsub-emulator") ? given.get("--pubsub-emulator") : blankToNull(env.get(EMULATOR_ENV));
    if (emulator != null && !GcpNames.HOST_PORT.matcher(emulator).matches()) {
      String from = given.containsKey("--pubsub-emulator") ? "--pubsub-emulator" : "$" + EMULATOR_ENV;
      throw new UsageException(from + " " + emulator + " is not " + GcpNames.HOST_PORT_EXPECTED);
    }
    Api api = api(given.getOrDefault("--api", "ollama"));
    String model = nonBlank(given, "--model");
    String prompt = given.containsKey("--prompt") ? nonBlank(given, "--prompt") : DEFAULT_PROMPT;
    Duration timeout = given.containsKey("--timeout") ? duration("--timeout", given.get("--timeout")) : DEFAULT_TIMEOUT;
    Duration poll = given.containsKey("--poll") ? duration("--poll", given.get("--poll")) : DEFAULT_POLL;

    String iapAudience = nonBlank(given, "--iap-audience");
    String token = null;
    String tokenFrom = null;
    if (given.containsKey("--token")) {
      if (iapAudience != null) {
        throw new UsageException("give --iap-audience (mint a token) or --token (use this one), not both");
      }
      token = nonBlank(given, "--token");
      tokenFrom = "--token";
    } else if (iapAudience == null && blankToNull(env.get(TOKEN_ENV)) != null) {
      token = env.get(TOKEN_ENV).strip();
      tokenFrom = "$" + TOKEN_ENV;
    }
    if (token != null && token.chars().anyMatch(Character::isWhitespace)) {
      throw new UsageException(tokenFrom + " holds whitespace: give the token alone");
    }
    if ((token != null || iapAudience != null) && !safeForTokens(frontend)) {
      throw new UsageException("--frontend " + frontend + " is plain http: a token is sent only over https "
          + "(or to this machine)");
    }
    URI statusUrl = given.containsKey("--status-url") ? url("--status-url", given.get("--status-url")) : null;
    return new SmokeOptions(frontend, topic[0], topic[1], emulator, api, model, prompt, timeout, poll, iapAudience,
        token, tokenFrom, statusUrl);
  }

  /** https, or http to this machine: where a bearer token may go. */
  static boolean safeForTokens(URI url) {
    return url.getScheme().equals("https") || isLoopback(url);
  }

  static boolean isLoopback(URI url) {
    String host = url.getHost();
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }

  private static String required(Map<String, String> given, String name, String what) throws UsageException {
    String value = given.get(name);
    if (value == null || value.isBlank()) {
      throw new UsageException("missing " + name + ": " + what);
    }
    return value.strip();
  }

  private static String nonBlank(Map<String, String> given, String name) throws UsageException {
    if (!given.containsKey(name)) {
      return null;
    }
    String value = given.get(name);
    if (value.isBlank()) {
      throw new UsageException(name + " is empty");
    }
    return value.strip();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static URI url(String name, String raw) throws UsageException {
    URI url;
    try {
      url = new URI(raw.strip());
    } catch (URISyntaxException e) {
      throw new UsageException(name + " " + raw + " is not a URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new UsageException(name + " " + raw + " is not an http(s) URL with a host, e.g. https://snooze.example.com");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new UsageException(name + " " + raw + " must not have a query or fragment");
    }
    String text = url.toString();
    // The frontend may live under a path prefix; its own paths are appended, so no trailing slash.
    return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
  }

  /** {projectId, topicId} from {@code projects/P/topics/T}, or from a name and --project. */
  private static String[] topic(String raw, String project) throws UsageException {
    String projectId = project == null ? null : project.strip();
    String topicId = raw;
    Matcher full = FULL_TOPIC.matcher(raw);
    if (full.matches()) {
      if (projectId != null && !projectId.equals(full.group(1))) {
        throw new UsageException("--project " + projectId + " contradicts --topic " + raw);
      }
      projectId = full.group(1);
      topicId = full.group(2);
    } else if (raw.contains("/")) {
      throw new UsageException("--topic " + raw + " is neither projects/P/topics/T nor a topic name");
    } else if (projectId == null) {
      throw new UsageException("missing --project: --topic " + raw + " is a name, so give its project "
          + "(or the full projects/P/topics/" + raw + ")");
    }
    if (!GcpNames.PROJECT.matcher(projectId).matches()) {
      throw new UsageException("project " + projectId + " is not " + GcpNames.PROJECT_EXPECTED);
    }
    if (!GcpNames.TOPIC.matcher(topicId).matches()) {
      throw new UsageException("--topic " + raw + ": " + topicId + " is not " + GcpNames.TOPIC_EXPECTED);
    }
    return new String[] {projectId, topicId};
  }

  private static Api api(String raw) throws UsageException {
    return switch (raw.strip().toLowerCase(Locale.ROOT)) {
      case "ollama" -> Api.OLLAMA;
      case "openai" -> Api.OPENAI;
      default -> throw new UsageException("--api " + raw + " is not ollama or openai");
    };
  }

  /** {@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h}, seconds ({@code 120}) or ISO-8601 ({@code PT15M}). */
  static Duration duration(String name, String raw) throws UsageException {
    String text = raw.strip().toLowerCase(Locale.ROOT);
    Duration parsed;
    Matcher suffixed = SUFFIXED.matcher(text);
    if (suffixed.matches()) {
      double amount = Double.parseDouble(suffixed.group(1));
      double millis = switch (suffixed.group(2)) {
        case "ms" -> amount;
        case "s" -> amount * 1_000;
        case "m" -> amount * 60_000;
        default -> amount * 3_600_000;
      };
      parsed = Duration.ofMillis(Math.round(millis));
    } else {
      parsed = Env.parseDuration(text);
    }
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      throw new UsageException(name + " " + raw + " is not a positive duration: e.g. 90s, 15m, 1h, 120 or PT15M");
    }
    return parsed;
  }

  /** A duration as a person writes it: 15m, 90s, 1h30m, 200ms. */
  static String human(Duration duration) {
    if (duration.toMillis() < 1000) {
      return duration.toMillis() + "ms";
    }
    long seconds = duration.toSeconds();
    StringBuilder text = new StringBuilder();
    if (seconds >= 3600) {
      text.append(seconds / 3600).append('h');
    }
    if (seconds % 3600 >= 60) {
      text.append(seconds % 3600 / 60).append('m');
    }
    if (seconds % 60 > 0 || text.isEmpty()) {
      text.append(seconds % 60).append('s');
    }
    return text.toString();
  }
}
