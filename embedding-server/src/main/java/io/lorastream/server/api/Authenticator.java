package io.lorastream.server.api;

import io.javalin.http.Context;
import io.lorastream.server.config.AuthConfig;
import java.util.List;

/**
 * Bearer-key checks, run before the handlers: API keys for {@code /v1/*}, the admin key for {@code
 * /admin/*}. Each door has its own keys; neither opens the other. Missing or wrong keys get 401.
 */
final class Authenticator {

  private final ApiKeys apiKeys;
  private final ApiKeys adminKey;
  private final boolean allowAnonymous;

  Authenticator(AuthConfig auth) {
    this.apiKeys = new ApiKeys(auth.apiKeys());
    this.adminKey = new ApiKeys(auth.adminKey() == null ? List.of() : List.of(auth.adminKey()));
    this.allowAnonymous = auth.allowAnonymous();
  }

  void api(Context ctx) {
    if (allowAnonymous && apiKeys.isEmpty()) {
      return;
    }
    String key = ApiKeys.bearer(ctx.header("Authorization"));
    if (key == null) {
      throw ApiErrors.unauthorized(
          "You didn't provide an API key. Provide it in an Authorization header using Bearer auth"
              + " (Authorization: Bearer YOUR_KEY).");
    }
    if (!apiKeys.matches(key)) {
      throw ApiErrors.unauthorized(
          "Incorrect API key provided. Use one of the keys set in api-keys"
              + " (or the environment variable LORASTREAM_API_KEYS).");
    }
  }

  void admin(Context ctx) {
    if (adminKey.isEmpty()) {
      throw ApiErrors.unauthorized(
          "Admin endpoints are disabled: no admin key is set. Set admin-key (or the environment variable"
              + " LORASTREAM_ADMIN_KEY) and send it as Authorization: Bearer ADMIN_KEY.");
    }
    String key = ApiKeys.bearer(ctx.header("Authorization"));
    if (key == null || !adminKey.matches(key)) {
      throw ApiErrors.unauthorized(
          key == null
              ? "Admin endpoints need the admin key in an Authorization header (Authorization: Bearer ADMIN_KEY)."
              : "Incorrect admin key provided (API keys do not open admin endpoints).");
    }
  }
}
