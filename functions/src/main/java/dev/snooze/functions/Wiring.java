package dev.snooze.functions;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.snooze.functions.compute.ComputeMig;
import dev.snooze.functions.compute.Mig;
import dev.snooze.functions.compute.MigLocation;
import dev.snooze.functions.config.SnoozeConfig;
import dev.snooze.functions.control.Controller;
import dev.snooze.functions.state.FirestoreStateStore;
import dev.snooze.functions.state.StateStore;
import dev.snooze.logging.JsonLog;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the controller from the environment, once per function instance: the configuration is
 * validated before the first request, and the Firestore and Compute clients are reused across
 * requests, as Cloud Functions recommends. The clients are built in the background
 * ({@link Starting}): a failure to build one (no credentials) surfaces on its first use.
 */
final class Wiring {
  private static final JsonLog LOG = JsonLog.forComponent("config");
  private static Wiring instance;

  private final Controller controller;

  private Wiring(Controller controller) {
    this.controller = controller;
  }

  /** @throws IllegalArgumentException naming every bad variable; the function does not start */
  static synchronized Wiring fromEnvironment() {
    if (instance == null) {
      SnoozeConfig config;
      try {
        config = SnoozeConfig.fromEnv(System.getenv());
      } catch (IllegalArgumentException e) {
        LOG.error(e.getMessage(), Map.of());
        throw e;
      }
      instance = new Wiring(controller(config));
      LOG.info("configuration loaded", describe(config));
    }
    return instance;
  }

  Controller controller() {
    return controller;
  }

  private static Controller controller(SnoozeConfig config) {
    MigLocation location = config.zone() != null
        ? new MigLocation.Zone(config.project(), config.zone(), config.mig())
        : new MigLocation.Region(config.project(), config.region(), config.mig());
    // Names are checked now, so that a bad one stops the instance before it serves.
    String collection = FirestoreStateStore.validateCollection(config.collection());
    String documentId = FirestoreStateStore.documentId(config.project(), config.location(), config.mig());
    Mig mig = new StartingMig(Starting.start("Compute", () -> ComputeMig.create(location, config.computeEndpoint(),
        ComputeMig.Options.defaults().withOperationTimeout(config.operationTimeout()))));
    StateStore store = new StartingStore(Starting.start("Firestore", () -> {
      FirestoreStateStore built = new FirestoreStateStore(firestore(config), collection, documentId);
      warmUp(built);
      return built;
    }));
    return new Controller(config.policy(), config.sleepMode(), store, mig, Clock.systemUTC(),
        () -> UUID.randomUUID().toString(), config.mig());
  }

  /**
   * Every entry point starts by reading the state document: reading it once here opens the gRPC
   * channel (and, in GCP, fetches the token and does the TLS handshake) while the invoker is
   * still starting. A failure is left for the real call to report.
   */
  private static void warmUp(FirestoreStateStore store) {
    try {
      store.read();
    } catch (RuntimeException e) {
      LOG.warning("the warm-up read of the state document failed; the first request will try again",
          Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private static Firestore firestore(SnoozeConfig config) {
    FirestoreOptions.Builder options = FirestoreOptions.newBuilder().setProjectId(config.project());
    if (config.firestoreEmulatorHost() != null) {
      // With NoCredentials the client builds its own channel to getHost(): without setHost it
      // would dial firestore.googleapis.com despite the emulator host.
      String host = config.firestoreEmulatorHost();
      options.setHost(host).setEmulatorHost(host).setCredentials(NoCredentials.getInstance());
    }
    return options.build().getService();
  }

  private static Map<String, Object> describe(SnoozeConfig config) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("project", config.project());
    fields.put("location", config.location());
    fields.put("mig", config.mig());
    fields.put("idleTimeout", config.idleTimeout().toString());
    fields.put("desiredSize", config.desiredSize());
    fields.put("sleepMode", config.sleepMode().name());
    fields.put("collection", config.collection());
    fields.put("computeEndpoint", String.valueOf(config.computeEndpoint()));
    fields.put("firestoreEmulatorHost", String.valueOf(config.firestoreEmulatorHost()));
    return fields;
  }
}
