package dev.snooze.frontend.config;

import java.time.Duration;

/**
 * What holding requests while the GPU wakes needs.
 *
 * @param wakeTimeout how long a request is held before a 503
 * @param maxPending how many requests may be held at once before new ones get a 503
 * @param expectedWake how long a wake usually takes: Retry-After, and the page's progress bar
 */
public record HoldSettings(Duration wakeTimeout, int maxPending, Duration expectedWake) {}
