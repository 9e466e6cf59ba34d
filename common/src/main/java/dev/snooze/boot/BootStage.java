package dev.snooze.boot;

import java.util.Arrays;
import java.util.Optional;

/**
 * The stages a GPU VM goes through from a wake to serving, in order: the one vocabulary of the
 * startup script that reports them, the Compute simulator that plays them, Status that reads them
 * and the page that shows them.
 *
 * <p>A VM reports each stage from {@link #BOOTING} on as a guest attribute in namespace {@value
 * #NAMESPACE}: the key is the stage's {@link #wire()} name and the value the RFC 3339 time the
 * stage began, e.g. {@code snooze/pulling-image = 2026-12-03T11:30:05Z}. It writes them with
 * {@code curl -X PUT --data "$(date -u +%FT%T.%3NZ)" -H 'Metadata-Flavor: Google'
 * http://metadata.google.internal/computeMetadata/v1/instance/guest-attributes/snooze/pulling-image}
 * (the instance needs metadata {@code enable-guest-attributes=TRUE}); Status reads them with
 * {@code instances.getGuestAttributes?queryPath=snooze/}. {@link #PROVISIONING} is never reported:
 * it is the time before the VM runs at all, known from the instance's status.
 */
public enum BootStage {
  /** Compute is finding and preparing the VM (instance status PROVISIONING or STAGING). */
  PROVISIONING("provisioning"),
  /** The VM runs; the OS is booting and the startup script has begun. */
  BOOTING("booting"),
  /** The GPU driver is installed or checked. */
  DRIVER("driver"),
  /** The inference container's image is pulled. */
  PULLING_IMAGE("pulling-image"),
  /** The container starts and begins to answer its health check. */
  STARTING_CONTAINER("starting-container"),
  /** The warm-up request loads the model into the GPU's memory. */
  LOADING_MODEL("loading-model"),
  /** The model is loaded: requests are answered without waiting for it. */
  READY("ready");

  /** The guest-attribute namespace the stages are reported in. */
  public static final String NAMESPACE = "snooze";

  private final String wire;

  BootStage(String wire) {
    this.wire = wire;
  }

  /** Its name in guest attributes, Status's JSON and the page. */
  public String wire() {
    return wire;
  }

  /** Whether a VM reports this stage itself (every stage but {@link #PROVISIONING}). */
  public boolean reported() {
    return this != PROVISIONING;
  }

  /** The stage with this wire name, if any. */
  public static Optional<BootStage> fromWire(String name) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(name)).findFirst();
  }
}
