package dev.snooze.local.emulators;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The one pair of emulators every test class shares: started on first use, kept in the root
 * store and closed by JUnit when the whole run ends (and by the JVM shutdown hook if the run is
 * killed). Test classes use {@code @ExtendWith(SharedEmulators.class)} and take a
 * {@link LocalEmulators} parameter.
 *
 * <p>The real environment decides: with PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST set,
 * the run uses those servers.
 */
public final class SharedEmulators implements BeforeAllCallback, ParameterResolver {
  public static final String PROJECT = "snooze-local-test";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedEmulators.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    emulators(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalEmulators.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return emulators(context);
  }

  public static LocalEmulators emulators(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Resource.class, key -> new Resource(LocalEmulators.start(PROJECT)), Resource.class)
        .emulators();
  }

  /**
   * JUnit closes root-store values when the run ends: AutoCloseable ones since 5.13, the
   * deprecated CloseableResource ones before. Closing twice is harmless.
   */
  @SuppressWarnings("deprecation")
  private record Resource(LocalEmulators emulators)
      implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      emulators.close();
    }
  }
}
