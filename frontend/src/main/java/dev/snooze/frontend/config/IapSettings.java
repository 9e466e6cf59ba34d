package dev.snooze.frontend.config;

import java.net.URI;

/**
 * What verifying IAP's assertions needs.
 *
 * @param audience {@code /projects/NUMBER/global/backendServices/ID}; null turns verification off
 * @param keysUrl where Google publishes IAP's public keys (JWK)
 */
public record IapSettings(String audience, URI keysUrl) {
  /** True when every request must carry a valid IAP assertion. */
  public boolean enabled() {
    return audience != null;
  }
}
