package io.lorastream.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health/live} and {@code GET /health/ready}: 200 or 503, with the {@link Health} as
 * JSON; any other path is a 404 naming the ones there are. ({@code /metrics} and the exporter's own
 * {@code /-/healthy}, which answers 200 whatever the app's state, are served beside these.)
 */
final class HealthEndpoint implements HttpHandler {
  static final String LIVE = "/health/live";
  static final String READY = "/health/ready";

  private static final ObjectMapper JSON = new ObjectMapper();

  private volatile Supplier<Health> health = () -> Health.STARTING;

  void use(Supplier<Health> source) {
    this.health = source;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Health h = health.get();
      switch (path) {
        case LIVE -> respond(exchange, h.live() ? 200 : 503, h.toJson());
        case READY -> respond(exchange, h.ready() ? 200 : 503, h.toJson());
        default ->
            respond(
                exchange,
                404,
                Map.of(
                    "error",
                    "no such path: "
                        + path
                        + "; this port serves /metrics, "
                        + LIVE
                        + " and "
                        + READY));
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      exchange.getResponseBody().write(bytes);
    }
  }
}
