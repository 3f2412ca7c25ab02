package io.lorastream.streams;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} in the Prometheus text format, served by the Prometheus client's own HTTP server, with the
 * app's {@code /health/live} and {@code /health/ready} ({@link HealthEndpoint}) on the same port.
 */
public final class MetricsServer implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final HTTPServer server;
  private final HealthEndpoint health;

  private MetricsServer(PrometheusMeterRegistry registry, HTTPServer server, HealthEndpoint health) {
    this.registry = registry;
    this.server = server;
    this.health = health;
  }

  /** A new registry served on {@code port} (0 = any free port) of all interfaces; health says "starting". */
  public static MetricsServer start(int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HealthEndpoint health = new HealthEndpoint();
    try {
      HTTPServer server =
          HTTPServer.builder().port(port).registry(registry.getPrometheusRegistry()).defaultHandler(health)
              .buildAndStart();
      return new MetricsServer(registry, server, health);
    } catch (IOException e) {
      registry.close();
      throw new UncheckedIOException(
          "cannot serve /metrics on port " + port + " (" + e.getMessage() + "); pick another with --metrics-port", e);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int port() {
    return server.getPort();
  }

  /** Where the health endpoints read the app's health from from now on. */
  void health(Supplier<Health> source) {
    health.use(source);
  }

  @Override
  public void close() {
    server.close();
    registry.close();
  }
}
