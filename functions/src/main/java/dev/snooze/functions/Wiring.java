package dev.snooze.functions;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.snooze.config.GpuOffer;
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
 * requests, as Cloud Functions recommends. The clients are built and warmed off the request's
 * path ({@link Lazy#warm}): a wake finds them ready (or nearly), so its VM starts sooner, and a
 * failure to build one (no credentials) surfaces on its first use and is tried again on the next.
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
        LOG.error(e.getMessage());
        throw e;
      }
      instance = new Wiring(controller(config));
      LOG.info("configuration loaded", "project", config.project(), "offers", GpuOffer.format(config.offers()),
          "capacityTimeout", config.capacityTimeout(), "idleTimeout", config.idleTimeout(), "desiredSize", config.desiredSize(),
          "sleepMode", config.sleepMode(), "collection", config.collection(),
          "warmWindows", config.windows().toString(), "budgetCaps", config.budget().caps().toString(),
          "budgetZone", config.budget().zone().getId(),
          "computeEndpoint", config.computeEndpoint(), "firestoreEmulatorHost", config.firestoreEmulatorHost());
    }
    return instance;
  }

  Controller controller() {
    return controller;
  }

  private static Controller controller(SnoozeConfig config) {
    // Names are checked now, so that a bad one stops the instance before it serves.
    Map<String, Mig> migs = new LinkedHashMap<>();
    for (GpuOffer offer : config.offers()) {
      MigLocation location = config.migLocation(offer);
      Lazy<ComputeMig> compute = new Lazy<>("Compute", () -> ComputeMig.create(location,
          config.computeEndpoint(), ComputeMig.Options.defaults().withOperationTimeout(config.operationTimeout())));
      compute.warm(ComputeMig::observe);
      migs.put(offer.mig(), new LazyMig(compute));
    }
    String collection = FirestoreStateStore.validateCollection(config.collection());
    String documentId = FirestoreStateStore.documentId(config.project(), config.location(), config.mig());
    Lazy<StateStore> firestore = new Lazy<>("Firestore",
        () -> new FirestoreStateStore(firestore(config), collection, documentId));
    firestore.warm(StateStore::read);
    StateStore store = new LazyStore(firestore);
    return new Controller(config.policy(), config.sleepMode(), store, migs, Clock.systemUTC(),
        () -> UUID.randomUUID().toString());
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
}
