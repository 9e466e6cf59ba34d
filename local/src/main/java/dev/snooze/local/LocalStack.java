package dev.snooze.local;

import dev.snooze.config.GpuOffer;
import dev.snooze.local.compute.BackendInstances;
import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.compute.Scheduling;
import dev.snooze.local.compute.SimulatorConfig;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.eventarc.EventarcBridge;
import dev.snooze.local.frontend.LocalFrontend;
import dev.snooze.local.functions.LocalFunctions;
import dev.snooze.local.functions.SchedulerTicker;
import dev.snooze.local.gpu.ModelSettings;
import dev.snooze.local.gpu.StandInBackend;
import dev.snooze.local.gpu.StartupScript;
import dev.snooze.local.gpu.Upstreams;
import dev.snooze.local.gpu.VmStats;
import dev.snooze.local.process.HttpProbe;
import dev.snooze.local.process.LogFollower;
import dev.snooze.logging.JsonLog;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Snooze's local cloud: Google's Pub/Sub and Firestore emulators, the Compute Engine simulator
 * with a GPU MIG per offer ({@code SNOOZE_OFFERS}), the stand-in GPU backend behind them all,
 * Snooze's functions under the Functions Framework, the local Eventarc bridge from the activity
 * topic to Wake, and a ticker that calls Sleep as Cloud Scheduler would, all on loopback.
 * {@link Main} runs it until Ctrl-C. Each part logs its start with its time ({@code part},
 * {@code millis}), which the readable console shows as it happens.
 */
public final class LocalStack implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("local-stack");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  /** The functions' own knobs that the stack hands on when they are set. */
  static final List<String> PASSED_TO_FUNCTIONS = List.of(
      "SNOOZE_DESIRED_SIZE", "SNOOZE_SLEEP_MODE", "SNOOZE_STATE_COLLECTION",
      "SNOOZE_ACTIVITY_GRANULARITY", "SNOOZE_WAKE_TIMEOUT", "SNOOZE_HEARTBEAT_TTL",
      "SNOOZE_OPERATION_TIMEOUT", "SNOOZE_CAPACITY_TIMEOUT", "SNOOZE_WARM_WINDOWS",
      "SNOOZE_BUDGET_GPU_HOURS_PER_DAY", "SNOOZE_BUDGET_GPU_HOURS_PER_MONTH", "SNOOZE_BUDGET_MONEY_PER_DAY",
      "SNOOZE_BUDGET_MONEY_PER_MONTH", "SNOOZE_GPU_PRICES", "SNOOZE_BUDGET_ZONE", "SNOOZE_BUDGET_GRACE",
      "SNOOZE_MAX_SIZE", "SNOOZE_TARGET_IN_FLIGHT", "SNOOZE_SCALE_IN_DELAY");
  /** The frontend's own knobs that the stack hands on when they are set. */
  static final List<String> PASSED_TO_FRONTEND = List.of(
      "SNOOZE_ALLOWED_PATHS", "SNOOZE_REQUEST_TIMEOUT", "SNOOZE_WAKE_TIMEOUT", "SNOOZE_MAX_PENDING",
      "SNOOZE_MAX_BODY_BYTES", "SNOOZE_ACTIVITY_DEBOUNCE", "SNOOZE_HEARTBEAT_INTERVAL", "SNOOZE_WAKE_ON");

  private final StackSettings settings;
  private final Deque<AutoCloseable> parts = new ArrayDeque<>();
  private LocalEmulators emulators;
  private ComputeSimulator compute;
  /** One simulated group per offer, in the offers' order. */
  private List<GroupRef> groups;
  private StandInBackend backend;
  private LocalFunctions functions;
  private LocalFrontend frontend;
  private EventarcBridge eventarc;

  private final Path logDir;

  private LocalStack(StackSettings settings, Path logDir) {
    this.settings = settings;
    this.logDir = logDir;
  }

  /**
   * Starts every part; on failure, stops what had started before rethrowing.
   *
   * @param env the environment: the knobs of {@link StackSettings} and the emulator hosts
   */
  public static LocalStack start(Map<String, String> env) throws Exception {
    LocalStack stack = new LocalStack(StackSettings.fromEnv(env), logDir(env));
    // One stack starts at a time in a JVM: starting means five JVMs and their JIT at once, and two
    // such starts on a small machine (tests run two stack classes side by side) starve each other
    // past their readiness timeouts. Running stacks side by side is fine: they mostly wait.
    synchronized (STARTING) {
      try {
        stack.startParts(env);
        return stack;
      } catch (Exception | Error e) {
        stack.close();
        throw e;
      }
    }
  }

  private static final Object STARTING = new Object();

  private void startParts(Map<String, String> env) throws Exception {
    String project = settings.project();
    long partStart = System.nanoTime();
    emulators = started(LocalEmulators.start(project, env));
    partStart = partStarted("Pub/Sub and Firestore emulators", partStart);
    compute = started(ComputeSimulator.start(
        SimulatorConfig.defaults()
            .withStages(settings.simStages())
            .withOperationLatency(settings.simOperationLatency())
            .withDrainTimeout(settings.simDrainTimeout())));
    List<GroupRef> offered = new ArrayList<>();
    for (GpuOffer offer : settings.offers()) {
      GroupRef group = offer.zonal()
          ? GroupRef.zonal(project, offer.location(), offer.mig())
          : GroupRef.regional(project, offer.location(), offer.mig(), StackSettings.zonesOf(offer.location()));
      // Compute's default for Spot VMs: a preempted one is stopped, and its group starts it again.
      compute.addGroup(group, offer.spot()
          ? Scheduling.spot(Scheduling.TerminationAction.STOP) : Scheduling.STANDARD);
      offered.add(group);
    }
    groups = List.copyOf(offered);
    partStart = partStarted("Compute Engine simulator: "
        + String.join(", ", groups.stream().map(GroupRef::name).toList()), partStart);
    // Every offer's MIG is a backend of the one internal load balancer.
    // Each VM, once healthy, loads the model (for the loading-model stage's time) and reports
    // loading-model then ready, as the real startup script does; keep_alive is left to the
    // container's own setting, as the deployment's warm-up leaves it to OLLAMA_KEEP_ALIVE.
    // Each VM queues as its Ollama would (SNOOZE_SIM_PARALLEL, SNOOZE_SIM_MAX_QUEUE), and a VM that
    // a resize removes drains (SNOOZE_SIM_DRAIN_TIMEOUT) before its streams are cut.
    backend = started(StandInBackend.start(0, () -> upstreams(compute.backendInstances(groups)),
        settings.simTokenInterval(),
        new ModelSettings(ModelSettings.DEFAULT_MODEL, settings.simModelLoadTime(), settings.simKeepAlive()),
        settings.simConcurrency(), StartupScript.reportingTo(compute.baseUrl(), null)));
    partStart = partStarted("stand-in GPU backend and its load balancer", partStart);
    PubsubEmulatorAdmin pubsub = new PubsubEmulatorAdmin(emulators.pubsubHost(), project);
    pubsub.createTopic(settings.topic());
    // The functions and the frontend are JVMs that start in seconds: start them together. The
    // functions' addresses are held first, so the frontend can be told Status's.
    functions = started(LocalFunctions.open());
    String statusUrl = functions.url(LocalFunctions.Entry.STATUS);
    Map<String, String> frontendEnv = frontendEnvironment(env, statusUrl);
    long together = partStart;
    CompletableFuture<LocalFrontend> frontendStart = CompletableFuture.supplyAsync(() -> {
      LocalFrontend started = LocalFrontend.start(settings.frontendPort(), frontendEnv, logDir, READY_TIMEOUT);
      partStarted("frontend on " + started.url(), together);
      return started;
    });
    RuntimeException failure = null;
    try {
      functions.start(settings.functionsJar(), functionEnvironment(env), logDir, READY_TIMEOUT);
      // The first call builds the function's clients (seconds): take it before users poll Status.
      HttpProbe.answers(URI.create(statusUrl).getAuthority(), "/");
      partStarted("functions Wake, Sleep and Status", together);
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      frontend = started(frontendStart.join());
    } catch (CompletionException e) {
      RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
      if (failure == null) {
        failure = cause;
      } else {
        failure.addSuppressed(cause);
      }
    }
    if (failure != null) {
      throw failure;
    }
    partStart = System.nanoTime();
    eventarc = started(EventarcBridge.start(pubsub, project));
    eventarc.route("snooze-wake", settings.topic(), URI.create(functions.url(LocalFunctions.Entry.WAKE)));
    started(SchedulerTicker.start(URI.create(functions.url(LocalFunctions.Entry.SLEEP)),
        settings.sleepCheckInterval()));
    partStarted("Eventarc to Wake, and Cloud Scheduler's sleep check every "
        + settings.sleepCheckInterval().toMillis() / 1000.0 + " s", partStart);
  }

  /** Logs that a part answers, with the time it took since {@code since}; returns now. */
  private static long partStarted(String part, long since) {
    long now = System.nanoTime();
    LOG.info("started " + part, "part", part, "millis", (now - since) / 1_000_000);
    return now;
  }

  private static Upstreams upstreams(BackendInstances instances) {
    return new Upstreams(instances.serving(), instances.draining());
  }

  /** What Terraform sets on the frontend's container, pointed at the local cloud. IAP is off. */
  private Map<String, String> frontendEnvironment(Map<String, String> env, String statusUrl) {
    Map<String, String> frontendEnv = new HashMap<>();
    for (String passed : PASSED_TO_FRONTEND) {
      frontendEnv.put(passed, env.get(passed));
    }
    frontendEnv.put("SNOOZE_BACKEND_URL", backend.baseUrl());
    frontendEnv.put("SNOOZE_PROJECT", settings.project());
    frontendEnv.put("SNOOZE_TOPIC", settings.topic());
    frontendEnv.put("PUBSUB_EMULATOR_HOST", emulators.pubsubHost());
    frontendEnv.put("SNOOZE_STATUS_URL", statusUrl);
    frontendEnv.put("SNOOZE_IAP_AUDIENCE", null);
    frontendEnv.put("SNOOZE_EXPECTED_WAKE", expectedWake(settings).toString());
    // Activity must reach the functions well inside a (possibly time-compressed) idle timeout.
    String activityPace = atMost(settings.idleTimeout().dividedBy(4), Duration.ofSeconds(30)).toString();
    frontendEnv.computeIfAbsent("SNOOZE_ACTIVITY_DEBOUNCE", k -> activityPace);
    frontendEnv.computeIfAbsent("SNOOZE_HEARTBEAT_INTERVAL", k -> activityPace);
    frontendEnv.put("NO_GCE_CHECK", "true");
    return frontendEnv;
  }

  /**
   * What Terraform sets on each deployed function, pointed at the local cloud. Only these
   * variables reach the functions: a stray SNOOZE_ZONE in the shell must not contradict the
   * stack's own location.
   */
  private Map<String, String> functionEnvironment(Map<String, String> env) {
    Map<String, String> functionEnv = functionKnobs(settings, env);
    functionEnv.put("SNOOZE_COMPUTE_ENDPOINT", compute.baseUrl());
    functionEnv.put("FIRESTORE_EMULATOR_HOST", emulators.firestoreHost());
    functionEnv.put("NO_GCE_CHECK", "true");
    return functionEnv;
  }

  /**
   * The functions' knobs: the user's own (when set), the offers, and the stack's time-compressed
   * settings. SNOOZE_MIG and SNOOZE_REGION / SNOOZE_ZONE name the first offer, for functions that
   * wake one MIG.
   */
  /** A simulated wake: delivery, then every stage of a fresh VM's boot until the model is loaded. */
  private static Duration expectedWake(StackSettings settings) {
    return settings.simStages().fresh().untilReady().plusSeconds(2);
  }

  static Map<String, String> functionKnobs(StackSettings settings, Map<String, String> env) {
    Map<String, String> functionEnv = new HashMap<>();
    for (String passed : PASSED_TO_FUNCTIONS) {
      functionEnv.put(passed, env.get(passed));
    }
    GpuOffer first = settings.offers().get(0);
    functionEnv.put("SNOOZE_PROJECT", settings.project());
    functionEnv.put("SNOOZE_OFFERS", GpuOffer.format(settings.offers()));
    functionEnv.put("SNOOZE_REGION", first.zonal() ? null : first.location());
    functionEnv.put("SNOOZE_ZONE", first.zonal() ? first.location() : null);
    functionEnv.put("SNOOZE_MIG", first.mig());
    functionEnv.put("SNOOZE_IDLE_TIMEOUT", settings.idleTimeout().toString());
    // Status's guess before the first wake: the simulated VM's stages, as Terraform's default
    // follows the image; from the first wake on, Status shows what it learned.
    functionEnv.put("SNOOZE_EXPECTED_WAKE", expectedWake(settings).toString());
    // A warm window's wake starts this much earlier, as the check that starts it may come that late.
    functionEnv.put("SNOOZE_CHECK_INTERVAL", settings.sleepCheckInterval().toString());
    // The functions' 10 s default, shortened for time-compressed runs (it must stay under the idle timeout).
    functionEnv.computeIfAbsent("SNOOZE_ACTIVITY_GRANULARITY",
        k -> atMost(settings.idleTimeout().dividedBy(10), Duration.ofSeconds(10)).toString());
    // A report of requests in flight holds off sleep until the frontend reports their end (at most
    // a debounce window later) or, from a frontend that died mid-request, for the whole TTL: the
    // 2 min default would outlast a time-compressed idle timeout many times over. Four of the
    // frontend's (scaled) heartbeats, as the defaults are.
    functionEnv.computeIfAbsent("SNOOZE_HEARTBEAT_TTL",
        k -> atMost(settings.idleTimeout(), Duration.ofMinutes(2)).toString());
    return functionEnv;
  }

  private static Duration atMost(Duration value, Duration cap) {
    return value.compareTo(cap) < 0 ? value : cap;
  }

  private static Path logDir(Map<String, String> env) {
    String configured = env.get(LocalEmulators.LOG_DIR_ENV);
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"), "snooze-local-logs");
  }

  private synchronized <T extends AutoCloseable> T started(T part) {
    parts.push(part);
    return part;
  }

  /** The READY line's object: where each part answers, and the MIGs ({@code mig}: the first offer's). */
  public Map<String, Object> endpoints() {
    GroupRef mig = mig();
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("frontend", frontend.url());
    ready.put("pubsub", emulators.pubsubHost());
    ready.put("firestore", emulators.firestoreHost());
    ready.put("compute", compute.baseUrl());
    ready.put("backend", backend.baseUrl());
    ready.put("project", settings.project());
    ready.put(mig.scope() == GroupRef.Scope.ZONAL ? "zone" : "region", mig.location());
    ready.put("mig", mig.name());
    ready.put("offers", settings.offers().stream().map(GpuOffer::toString).toList());
    ready.put("topic", settings.topic());
    ready.put("functions", functions.urls());
    return ready;
  }

  public ComputeSimulator compute() {
    return compute;
  }

  /**
   * What each simulated GPU VM did so far: requests in flight, answered, turned away busy, cut
   * when it went, and whether it drains (see {@link StandInBackend#vmStats()}).
   */
  public List<VmStats> gpuVms() {
    return backend.vmStats();
  }

  /** The first offer's group: the one functions that wake a single MIG wake. */
  public GroupRef mig() {
    return groups.get(0);
  }

  /** Every offer's group, in the offers' order. */
  public List<GroupRef> groups() {
    return groups;
  }

  public LocalFunctions functions() {
    return functions;
  }

  public LocalFrontend frontend() {
    return frontend;
  }

  /** The Eventarc bridge to Wake, with what became of its deliveries. */
  public EventarcBridge eventarc() {
    return eventarc;
  }

  /** Stops the parts in the reverse order of their start; safe to call twice. */
  @Override
  public synchronized void close() {
    while (!parts.isEmpty()) {
      AutoCloseable part = parts.pop();
      try {
        part.close();
      } catch (Exception e) {
        LOG.warning("a part of the local stack did not stop cleanly",
            "part", part.getClass().getSimpleName(), "error", e);
      }
    }
  }

  /** Copies each line the functions and the frontend append to their logs to {@code lines}, from now on. */
  public void followLogs(Consumer<String> lines) {
    List<Path> logs = new ArrayList<>(functions.logs());
    logs.add(frontend.log());
    started(LogFollower.follow(logs, lines));
  }

  /** Where the functions' and the frontend's JSON logs are kept. */
  public Path logDir() {
    return logDir;
  }

  public StackSettings settings() {
    return settings;
  }

  /** The settings a run should show: the stack's own timings and the simulated GPU's. */
  public Map<String, Object> knobs() {
    Map<String, Object> knobs = new LinkedHashMap<>();
    knobs.put("idleTimeout", settings.idleTimeout());
    knobs.put("sleepCheckInterval", settings.sleepCheckInterval());
    knobs.put("simStages", settings.simStages().fresh().toString());
    knobs.put("simRestartStages", settings.simStages().restart().toString());
    knobs.put("simOperationLatency", settings.simOperationLatency());
    knobs.put("simDrainTimeout", settings.simDrainTimeout());
    knobs.put("simParallel", settings.simConcurrency().numParallel());
    knobs.put("simMaxQueue", settings.simConcurrency().maxQueue());
    knobs.put("functionsFrom", settings.functionsJar().map(Path::toString).orElse("classpath"));
    return knobs;
  }
}
