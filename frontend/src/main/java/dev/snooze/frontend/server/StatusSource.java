package dev.snooze.frontend.server;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Where {@code /snooze/status} gets the Status function's view (phase, MIG size...):
 * {@link HttpStatusSource}, which calls a deployed ({@code https://}) function with a Google ID
 * token for its URL ({@link GoogleIdToken}, wired by {@link FrontendServer}) and the local
 * stack's without one; tests put their own in through {@link FrontendServer#statusSource}.
 */
public interface StatusSource {
  /** The function's JSON object; fails when it cannot be had in time. */
  Future<JsonObject> fetch();

  default void close() {}
}
