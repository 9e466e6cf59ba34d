package dev.snooze.local.eventarc;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.protobuf.util.JsonFormat;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Cloud Functions gen2 event function, run in-process by the Functions Framework invoker. The
 * invoker instantiates it by class name, so what it saw is kept in static state. A message with
 * attribute {@code fail-first=true} makes the first delivery of that id throw (the framework
 * answers 500), as a flaky function would.
 */
public class RecordingFunction implements CloudEventsFunction {
  static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
  private static final Set<String> FAILED_ONCE = ConcurrentHashMap.newKeySet();

  record Received(CloudEvent event, MessagePublishedData data) {}

  @Override
  public void accept(CloudEvent event) throws Exception {
    MessagePublishedData.Builder data = MessagePublishedData.newBuilder();
    // Strict parsing: an unknown field would mean the bridge's body is not MessagePublishedData.
    JsonFormat.parser().merge(new String(event.getData().toBytes(), StandardCharsets.UTF_8), data);
    RECEIVED.add(new Received(event, data.build()));
    if ("true".equals(data.getMessage().getAttributesMap().get("fail-first")) && FAILED_ONCE.add(event.getId())) {
      throw new IllegalStateException("failing the first delivery of " + event.getId() + " on purpose");
    }
  }

  static List<Received> withId(String id) {
    return RECEIVED.stream().filter(r -> r.event().getId().equals(id)).toList();
  }
}
