package io.lorastream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheRegistryAndHandsOtherPathsOn() throws Exception {
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(
            0,
            exchange -> {
              try (exchange) {
                exchange.sendResponseHeaders(418, -1);
              }
            })) {
      endpoint.registry().counter("kit.test.count").increment();
      HttpResponse<String> metrics = get(endpoint.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("kit_test_count_total 1.0");
      assertThat(get(endpoint.port(), "/other").statusCode()).isEqualTo(418);
    }
  }

  @Test
  void aTakenPortFailsNamingTheSetting() {
    try (MetricsEndpoint first = MetricsEndpoint.start(0)) {
      assertThatThrownBy(() -> MetricsEndpoint.start(first.port()))
          .hasMessageContaining("metrics-port");
    }
  }
}
