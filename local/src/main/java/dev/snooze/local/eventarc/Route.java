package dev.snooze.local.eventarc;

import java.net.URI;

/** One trigger: messages on {@code topic}, delivered through {@code subscription}, to a function. */
public record Route(String trigger, String topic, String subscription, URI functionUrl) {}
