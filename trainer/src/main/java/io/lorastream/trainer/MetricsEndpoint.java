package io.lorastream.trainer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/** {@code GET /metrics} in the Prometheus text format, served by the Prometheus client's HTTP server. */
public final class MetricsEndpoint implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final HTTPServer server;

  private MetricsEndpoint(PrometheusMeterRegistry registry, HTTPServer server) {
    this.registry = registry;
    this.server = server;
  }

  /** A new registry served on {@code port} (0 = any free port). */
  public static MetricsEndpoint start(int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      HTTPServer server = HTTPServer.builder().port(port).registry(registry.getPrometheusRegistry()).buildAndStart();
      return new MetricsEndpoint(registry, server);
    } catch (IOException e) {
      registry.close();
      throw new UncheckedIOException(
          "cannot serve /metrics on port " + port + " (" + e.getMessage() + "); set metrics_port to a free port, 0 or -1", e);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
    registry.close();
  }
}
