package dev.snooze.bench.coldstart;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;

/**
 * The baseline of the cold-start benchmark: a CloudEvent function that does nothing but log,
 * so that its cold start is the invoker's and the JVM's alone.
 */
public final class HelloEvent implements CloudEventsFunction {
  @Override
  public void accept(CloudEvent event) {
    System.out.println("{\"severity\":\"INFO\",\"message\":\"hello " + event.getId() + "\"}");
  }
}
