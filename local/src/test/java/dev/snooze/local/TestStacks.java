package dev.snooze.local;

import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The environment of a local stack under test: the run's shared emulators, any free frontend
 * port, and a topic and state collection of its own, so that stacks never see each other's
 * activity or state.
 */
final class TestStacks {
  private TestStacks() {}

  static Map<String, String> env(LocalEmulators emulators, Map<String, String> knobs) {
    Map<String, String> env = new HashMap<>();
    env.put("PUBSUB_EMULATOR_HOST", emulators.pubsubHost());
    env.put("FIRESTORE_EMULATOR_HOST", emulators.firestoreHost());
    env.put("SNOOZE_PROJECT", SharedEmulators.PROJECT);
    env.put("SNOOZE_PORT", "0");
    env.put("SNOOZE_TOPIC", "activity-" + UUID.randomUUID());
    env.put("SNOOZE_STATE_COLLECTION", "test-" + UUID.randomUUID());
    env.putAll(knobs);
    return env;
  }
}
