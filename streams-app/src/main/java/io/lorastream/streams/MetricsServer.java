package io.lorastream.streams;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/** {@code GET /metrics} in the Prometheus text format, served by the Prometheus client's own HTTP server. */
public final class MetricsServer implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final HTTPServer server;

  private MetricsServer(PrometheusMeterRegistry registry, HTTPServer server) {
    this.registry = registry;
    this.server = server;
  }

  /** A new registry served on {@code port} (0 = any free port) of all interfaces. */
  public static MetricsServer start(int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      HTTPServer server = HTTPServer.builder().port(port).registry(registry.getPrometheusRegistry()).buildAndStart();
      return new MetricsServer(registry, server);
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

  @Override
  public void close() {
    server.close();
    registry.close();
  }
}
