package dev.snooze.frontend.config;

import java.net.URI;
import java.util.List;

/**
 * What the HTTP server and its routes need.
 *
 * @param port the port it listens on, on every interface
 * @param allowedPaths path prefixes proxied to the backend; anything else is never forwarded
 * @param statusUrl the Status function's URL, or null (the page then shows the backend's readiness only)
 */
public record ServerSettings(int port, List<String> allowedPaths, URI statusUrl) {}
