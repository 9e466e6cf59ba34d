package dev.snooze.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.snooze.functions.control.Controller;
import java.io.IOException;

/** Entry point answering GET with the MIG's phase, timers, instances, last error and cost. */
public final class Status implements HttpFunction {
  private final Controller controller;

  public Status() {
    this(Wiring.fromEnvironment().controller());
  }

  Status(Controller controller) {
    this.controller = controller;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    if (!"GET".equals(request.getMethod())) {
      HttpJson.methodNotAllowed(response, "GET");
      return;
    }
    // Browsers and the frontend poll it: never let a cache keep an old phase.
    response.appendHeader("Cache-Control", "no-store");
    HttpJson.answer(response, () -> controller.status().toJson());
  }
}
