package dev.snooze.local;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.snooze.local.compute.ComputeSimulator;
import dev.snooze.local.compute.GroupRef;
import dev.snooze.local.compute.SimulatorConfig;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.PubsubEmulatorAdmin;
import dev.snooze.local.eventarc.EventarcBridge;
import dev.snooze.local.gpu.StandInBackend;
import dev.snooze.logging.JsonLog;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Snooze's local cloud in one process: Google's Pub/Sub and Firestore emulators, the local
 * Eventarc bridge, the Compute Engine simulator with the GPU MIG, and the stand-in GPU backend,
 * all on loopback. {@link #main} prints one {@code SNOOZE READY {json}} line once everything
 * answers and stops everything, emulator processes included, on Ctrl-C.
 */
public final class LocalStack implements AutoCloseable {
  static final String READY_PREFIX = "SNOOZE READY ";
  private static final JsonLog LOG = JsonLog.forComponent("local-stack");
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  /** A readable pace for the stand-in model's streamed tokens. */
  private static final Duration TOKEN_INTERVAL = Duration.ofMillis(60);

  private final StackSettings settings;
  private final Deque<AutoCloseable> parts = new ArrayDeque<>();
  private LocalEmulators emulators;
  private ComputeSimulator compute;
  private GroupRef mig;
  private StandInBackend backend;

  private LocalStack(StackSettings settings) {
    this.settings = settings;
  }

  /**
   * Starts every part; on failure, stops what had started before rethrowing.
   *
   * @param env the environment: the knobs of {@link StackSettings} and the emulator hosts
   */
  public static LocalStack start(Map<String, String> env) throws Exception {
    LocalStack stack = new LocalStack(StackSettings.fromEnv(env));
    try {
      stack.startParts(env);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startParts(Map<String, String> env) throws Exception {
    String project = settings.project();
    emulators = started(LocalEmulators.start(project, env));
    compute = started(ComputeSimulator.start(
        SimulatorConfig.defaults().withBootTime(settings.simBootTime())));
    mig = settings.location() instanceof StackSettings.Region region
        ? GroupRef.regional(project, region.name(), settings.mig(), region.zones())
        : GroupRef.zonal(project, settings.location().name(), settings.mig());
    compute.addGroup(mig);
    backend = started(StandInBackend.start(0, () -> compute.serving(mig), TOKEN_INTERVAL));
    PubsubEmulatorAdmin pubsub = new PubsubEmulatorAdmin(emulators.pubsubHost(), project);
    pubsub.createTopic(settings.topic());
    started(EventarcBridge.start(pubsub, project));
  }

  private <T extends AutoCloseable> T started(T part) {
    parts.push(part);
    return part;
  }

  /** The READY line's object: where each part answers and what the MIG is. */
  public Map<String, Object> endpoints() {
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("pubsub", emulators.pubsubHost());
    ready.put("firestore", emulators.firestoreHost());
    ready.put("compute", compute.baseUrl());
    ready.put("backend", backend.baseUrl());
    ready.put("project", settings.project());
    ready.put(mig.scope() == GroupRef.Scope.ZONAL ? "zone" : "region", mig.location());
    ready.put("mig", settings.mig());
    ready.put("topic", settings.topic());
    ready.put("functions", Map.of());
    return ready;
  }

  public ComputeSimulator compute() {
    return compute;
  }

  public GroupRef mig() {
    return mig;
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
            Map.of("part", part.getClass().getSimpleName(), "error", e));
      }
    }
  }

  public static void main(String[] args) throws InterruptedException {
    long startedAt = System.nanoTime();
    LocalStack stack;
    try {
      stack = start(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("the local stack could not start", Map.of("error", e));
      System.err.println("Snooze's local stack could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping the local stack", Map.of());
      stack.close();
      stopped.countDown();
    }, "snooze-local-shutdown"));
    LOG.info("local stack ready", Map.of(
        "startupMillis", (System.nanoTime() - startedAt) / 1_000_000,
        "idleTimeout", stack.settings.idleTimeout(),
        "sleepCheckInterval", stack.settings.sleepCheckInterval(),
        "simBootTime", stack.settings.simBootTime()));
    System.out.println(READY_PREFIX + GSON.toJson(stack.endpoints()));
    System.out.flush();
    stopped.await();
  }
}
