package io.lorastream.streams.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which adapter a tenant's pairs train.
 *
 * @param defaultAdapter the adapter of tenants not in {@code tenantAdapters}; null = the tenant's
 *     own name (default)
 * @param tenantAdapters explicit tenant to adapter routes ({@code
 *     tenant-adapters.<tenant>=<adapter>})
 * @param metricsMaxAdapters the first this-many adapters seen get their own metric tag, later ones
 *     share {@code other}, so tenants cannot blow up the metric series; default 20
 */
public record AdapterRouting(
    String defaultAdapter, Map<String, String> tenantAdapters, int metricsMaxAdapters) {

  // Before DEFAULTS: static fields initialise in order.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public static final AdapterRouting DEFAULTS = new AdapterRouting(null, Map.of(), 20);

  public AdapterRouting {
    tenantAdapters = Map.copyOf(tenantAdapters == null ? Map.of() : tenantAdapters);
    if (defaultAdapter != null && !NAME.matcher(defaultAdapter).matches()) {
      throw new IllegalArgumentException(
          "default-adapter must be 1-64 letters, digits, '.', '_' or '-', got '"
              + defaultAdapter
              + "'");
    }
    tenantAdapters.forEach(
        (tenant, adapter) -> {
          if (!NAME.matcher(adapter).matches()) {
            throw new IllegalArgumentException(
                "tenant-adapters."
                    + tenant
                    + " must be 1-64 letters, digits, '.', '_' or '-', got '"
                    + adapter
                    + "'");
          }
        });
    if (metricsMaxAdapters < 0) {
      throw new IllegalArgumentException(
          "metrics-max-adapters must be >= 0, got " + metricsMaxAdapters);
    }
  }

  public String adapterFor(String tenant) {
    String routed = tenantAdapters.get(tenant);
    if (routed != null) {
      return routed;
    }
    return defaultAdapter != null ? defaultAdapter : tenant;
  }
}
