package io.lorastream.cli.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the services' Prometheus endpoints the way Prometheus does, so the demo's progress line
 * shows the same figures as the dashboards. Sums the samples of a metric (optionally filtered by
 * one label value); missing metrics read as 0.
 */
final class MetricsScraper {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<URI> endpoints;

  MetricsScraper(List<URI> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  /** Current samples: "name{labels}" -> value, from every endpoint. */
  Map<String, Double> scrape() {
    Map<String, Double> samples = new HashMap<>();
    for (URI uri : endpoints) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
          if (line.isEmpty() || line.startsWith("#")) {
            continue;
          }
          int space = line.lastIndexOf(' ');
          try {
            samples.merge(
                line.substring(0, space),
                Double.parseDouble(line.substring(space + 1)),
                Double::sum);
          } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // a line we do not understand: skip it
          }
        }
      } catch (java.io.IOException e) {
        // a service not up yet reads as zeros
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return samples;
      }
    }
    return samples;
  }

  /**
   * Sum of samples of {@code metric} whose labels contain {@code labelFilter} (or all, if null).
   */
  static double sum(Map<String, Double> samples, String metric, String labelFilter) {
    double total = 0;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String key = e.getKey();
      boolean nameMatches = key.equals(metric) || key.startsWith(metric + "{");
      if (nameMatches && (labelFilter == null || key.contains(labelFilter))) {
        total += e.getValue();
      }
    }
    return total;
  }
}
