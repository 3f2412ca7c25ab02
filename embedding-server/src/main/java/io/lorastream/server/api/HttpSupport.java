package io.lorastream.server.api;

import io.javalin.http.Context;
import java.time.Duration;

/** Writing JSON answers and errors on a Javalin context. */
final class HttpSupport {

  static final String JSON = "application/json";

  /**
   * Marks a context whose body this code wrote, so Javalin's status error handlers leave it alone.
   */
  static final String WRITTEN = "lorastream.written";

  private HttpSupport() {}

  static void json(Context ctx, int status, byte[] body) {
    ctx.status(status).contentType(JSON).result(body);
    ctx.attribute(WRITTEN, Boolean.TRUE);
  }

  static void error(Context ctx, ApiException e, Duration retryAfter) {
    if (e.retryable()) {
      ctx.header("Retry-After", Long.toString(retryAfterSeconds(retryAfter)));
    }
    if (e.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    json(ctx, e.status(), ApiErrors.body(e));
  }

  /** Retry-After in whole seconds, at least 1. */
  static long retryAfterSeconds(Duration retryAfter) {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  static boolean written(Context ctx) {
    return Boolean.TRUE.equals(ctx.attribute(WRITTEN));
  }
}
