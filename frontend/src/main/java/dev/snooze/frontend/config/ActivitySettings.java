package dev.snooze.frontend.config;

import java.time.Duration;

/**
 * What publishing activity needs.
 *
 * @param project the project holding the topic
 * @param topic the topic ID ({@code projects/P/topics/T} is built from project and topic)
 * @param pubsubEmulatorHost {@code HOST:PORT} of the Pub/Sub emulator, or null for Pub/Sub itself
 * @param instanceId this frontend's name in activity messages
 * @param debounce a request's message at most once per this window, and one more when it closes
 *     over requests it did not report
 * @param heartbeatInterval a heartbeat while requests are in flight, this often
 * @param queue how many messages may wait to be published before new ones are dropped
 * @param wakeOn which of the page's triggers publishes an intent (none for {@link WakeOn#SEND})
 */
public record ActivitySettings(
    String project,
    String topic,
    String pubsubEmulatorHost,
    String instanceId,
    Duration debounce,
    Duration heartbeatInterval,
    int queue,
    WakeOn wakeOn) {}
