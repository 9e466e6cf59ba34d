package dev.snooze.cli.smoke;

import dev.snooze.activity.ActivityMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Takes the smoke's message instead of Pub/Sub, and does what the test says a publish does. */
final class FakePublisher implements ActivityPublisher {
  final List<ActivityMessage> published = new CopyOnWriteArrayList<>();
  private final Runnable onPublish;

  FakePublisher(Runnable onPublish) {
    this.onPublish = onPublish;
  }

  @Override
  public String publish(ActivityMessage message) {
    published.add(message);
    onPublish.run();
    return String.valueOf(published.size());
  }

  @Override
  public String describe() {
    return "projects/snooze-test/topics/activity (fake)";
  }
}
