package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.functions.LocalFunctions;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The environment of a local stack under test: the run's shared emulators, any free frontend
 * port, a topic and state collection of its own, so that stacks never see each other's
 * activity or state, and the run's SNOOZE_FUNCTIONS_JAR; and publishing to that topic as a
 * user's integration test would.
 */
final class TestStacks {
  /**
   * One GPU offer, a STANDARD MIG {@code snooze-gpu} in us-central1: for tests of one MIG's wake
   * and sleep (its resizes counted, its zones stocked out), whatever the stack's default offers.
   */
  static final Map<String, String> ONE_OFFER = Map.of("SNOOZE_OFFERS", "snooze-gpu@us-central1:STANDARD");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TestStacks() {}

  static Map<String, String> env(LocalEmulators emulators, Map<String, String> knobs) {
    Map<String, String> env = new HashMap<>();
    env.put("PUBSUB_EMULATOR_HOST", emulators.pubsubHost());
    env.put("FIRESTORE_EMULATOR_HOST", emulators.firestoreHost());
    env.put("SNOOZE_PROJECT", SharedEmulators.PROJECT);
    env.put("SNOOZE_PORT", "0");
    env.put("SNOOZE_TOPIC", "activity-" + UUID.randomUUID());
    env.put("SNOOZE_STATE_COLLECTION", "test-" + UUID.randomUUID());
    // The run's environment decides, as for the emulators: set, every stack test runs the
    // functions from that deployable jar.
    env.put("SNOOZE_FUNCTIONS_JAR", System.getenv("SNOOZE_FUNCTIONS_JAR"));
    // The guest's stages and the model's load, shorter than the compressed preset's 4 s: most stack
    // tests wake many times and are about something else (a test about the stages sets its own).
    env.put("SNOOZE_SIM_STAGES", "booting=0.2,driver=0.2,pulling-image=0.2,starting-container=0.2,loading-model=0.5");
    env.putAll(knobs);
    return env;
  }

  /** The real Publisher on a plaintext channel to the emulator (it ignores PUBSUB_EMULATOR_HOST). */
  static Publisher publisher(ManagedChannel channel, String topic) throws IOException {
    return Publisher.newBuilder(TopicName.of(SharedEmulators.PROJECT, topic))
        .setChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
        .setCredentialsProvider(NoCredentialsProvider.create())
        .build();
  }

  static PubsubMessage message(String data) {
    return PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(data)).build();
  }

  /** The Status function's answer, as an operator's curl gets it; a non-200 fails the test with its body. */
  static JsonObject status(LocalStack stack) throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(stack.functions().url(LocalFunctions.Entry.STATUS))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  /** Publishes one message and waits until the emulator has it. */
  static void publish(ManagedChannel channel, String topic, String data) throws Exception {
    Publisher publisher = publisher(channel, topic);
    try {
      publisher.publish(message(data)).get(30, TimeUnit.SECONDS);
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
