package dev.snooze.frontend.config;

import java.time.Duration;

/**
 * What the streaming proxy needs.
 *
 * @param backend the GPU backend: the internal load balancer
 * @param requestTimeout the longest a proxied request may take, stream included
 * @param maxBodyBytes the largest request body forwarded
 * @param maxConnections the most connections open to the backend at once
 */
public record ProxySettings(Origin backend, Duration requestTimeout, int maxBodyBytes, int maxConnections) {}
