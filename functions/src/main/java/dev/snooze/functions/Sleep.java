package dev.snooze.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.snooze.functions.control.Controller;
import dev.snooze.functions.decision.Action;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point for Cloud Scheduler (POST, every minute): puts the MIG to sleep when idle and
 * reconciles it with the state. Answers 503 on a transient failure so the scheduler retries.
 */
public final class Sleep implements HttpFunction {
  private final Controller controller;

  public Sleep() {
    this(Wiring.fromEnvironment().controller());
  }

  Sleep(Controller controller) {
    this.controller = controller;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    if (!"POST".equals(request.getMethod())) {
      HttpJson.methodNotAllowed(response, "POST");
      return;
    }
    HttpJson.answer(response, () -> {
      Action action = controller.tick();
      Map<String, Object> body = new LinkedHashMap<>();
      if (action instanceof Action.Wake wake) {
        body.put("action", "wake");
        body.put("reason", wake.reason());
      } else if (action instanceof Action.Sleep sleep) {
        body.put("action", "sleep");
        body.put("reason", sleep.reason());
      } else if (action instanceof Action.Scale scale) {
        body.put("action", scale.out() ? "scale-out" : "scale-in");
        body.put("reason", scale.reason());
        body.put("from", scale.from());
        body.put("to", scale.size());
      } else {
        body.put("action", "none");
      }
      return HttpJson.GSON.toJson(body);
    });
  }
}
