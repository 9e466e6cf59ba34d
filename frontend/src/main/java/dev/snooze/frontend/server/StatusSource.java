package dev.snooze.frontend.server;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Where {@code /snooze/status} gets the Status function's view (phase, MIG size...). The
 * seam for authentication: in GCP the function needs a Google-signed ID token for its URL; an
 * {@code IdTokenStatusSource} would add {@code Authorization: Bearer ...} around
 * {@link HttpStatusSource}. Not built yet.
 */
public interface StatusSource {
  /** The function's JSON object; fails when it cannot be had in time. */
  Future<JsonObject> fetch();

  default void close() {}
}
