package io.lorastream.service;

import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics} in the Prometheus text format, served by the Prometheus client's own HTTP
 * server on all interfaces, with a service's other paths (the streams app's {@code /health/*}) on
 * the same port.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final HTTPServer server;

  private MetricsEndpoint(PrometheusMeterRegistry registry, HTTPServer server) {
    this.registry = registry;
    this.server = server;
  }

  /** A new registry served on {@code port} (0 = any free port). */
  public static MetricsEndpoint start(int port) {
    return start(port, null);
  }

  /**
   * A new registry served on {@code port} (0 = any free port); {@code otherPaths}, when not null,
   * answers every path the exporter does not serve itself.
   */
  public static MetricsEndpoint start(int port, HttpHandler otherPaths) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      HTTPServer.Builder builder =
          HTTPServer.builder().port(port).registry(registry.getPrometheusRegistry());
      if (otherPaths != null) {
        builder.defaultHandler(otherPaths);
      }
      return new MetricsEndpoint(registry, builder.buildAndStart());
    } catch (IOException e) {
      registry.close();
      throw new UncheckedIOException(
          "cannot serve /metrics on port "
              + port
              + " ("
              + e.getMessage()
              + "); set metrics-port or --metrics-port to a free port, or 0 for any",
          e);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int port() {
    return server.getPort();
  }

  /** Stops serving, then closes the registry. */
  @Override
  public void close() {
    server.close();
    registry.close();
  }
}
