package dev.snooze.cli.smoke;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.snooze.activity.ActivityMessage;
import java.util.Locale;
import java.util.Optional;

/**
 * Says why a request was refused, for a person who just ran {@code terraform apply}: a 401 or 403
 * that IAP sent (its answers are text, not the frontend's JSON) means the token or its audience is
 * wrong, or the identity is not let in; a redirect to Google's sign-in means no token reached IAP.
 */
final class Rejection {
  private Rejection() {}

  /** Whether nothing will change by asking again: the smoke fails at once. */
  static boolean isAuth(int status, Optional<String> location) {
    return status == 401 || status == 403 || isSignIn(status, location);
  }

  /**
   * @param tokens what was sent
   * @param statusFunction whether the request went to the Status function itself (no IAP before it)
   */
  static String explain(int status, Optional<String> location, String body, TokenSource tokens,
      boolean statusFunction) {
    String frontendError = frontendError(body);
    if (frontendError != null) {
      // The frontend's own answer: IAP let the request through.
      return "HTTP " + status + " from the frontend: " + frontendError;
    }
    String text = brief(body);
    String seen = "HTTP " + status + (text.isEmpty() ? "" : " (" + text + ")");
    if (isSignIn(status, location)) {
      return seen + ": IAP redirects to Google's sign-in, so it got no token it accepts; sent: "
          + tokens.describe() + ". Give --iap-audience CLIENT_ID or --token (see --help)";
    }
    if (statusFunction && (status == 401 || status == 403)) {
      return seen + " from the Status function: it refused " + tokens.describe()
          + ": the audience must be the function's URL, and the identity needs roles/run.invoker on it";
    }
    if (status == 401) {
      return seen + " from IAP: it refused " + tokens.describe()
          + ": wrong token or audience (IAP's OAuth client ID), or expired";
    }
    if (status == 403) {
      return seen + " from IAP: it refused " + tokens.describe() + ": the token or its audience (IAP's OAuth "
          + "client ID) is wrong, or the identity is not let in (roles/iap.httpsResourceAccessor: iap_members)";
    }
    return seen;
  }

  private static boolean isSignIn(int status, Optional<String> location) {
    return status >= 300 && status < 400
        && location.map(l -> l.toLowerCase(Locale.ROOT).contains("accounts.google.com")).orElse(false);
  }

  /** The frontend's {@code {"error": "…"}}; null for any other body. */
  static String frontendError(String body) {
    try {
      JsonElement json = JsonParser.parseString(body);
      if (json.isJsonObject() && json.getAsJsonObject().has("error")) {
        JsonElement error = json.getAsJsonObject().get("error");
        return ActivityMessage.brief(error.isJsonPrimitive() ? error.getAsString() : error.toString());
      }
    } catch (JsonParseException | IllegalStateException e) {
      // not the frontend's JSON
    }
    return null;
  }

  /** The body as one short line: tags dropped (IAP and Google front ends answer HTML at times). */
  static String brief(String body) {
    if (body == null) {
      return "";
    }
    String text = body.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ")
        .replaceAll("<[^>]+>", " ")
        .replaceAll("\\s+", " ")
        .strip();
    return ActivityMessage.brief(text);
  }
}
