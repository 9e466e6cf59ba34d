package dev.snooze.frontend.config;

/**
 * What the backend's readiness probe needs.
 *
 * @param backend the GPU backend, as the proxy reaches it
 * @param healthPath the path under the backend's base path that answers 2xx once the model serves
 */
public record ReadinessSettings(Origin backend, String healthPath) {}
