package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.PairKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  @Test
  void metricsAreServedInThePrometheusFormatWithBoundedAdapterTags() throws Exception {
    try (MetricsServer server = MetricsServer.start(0)) {
      FeedbackMetrics metrics = new FeedbackMetrics(server.registry(), 2);
      metrics.eventIn("search_event");
      metrics.deadLetter(DeadLetterReason.MISSING_FIELD);
      long now = System.currentTimeMillis();
      metrics.pairOut("acme", PairKind.CLICK, now - 1_500, now);
      metrics.pairOut("globex", PairKind.LABEL, now - 10, now);
      metrics.pairOut("initech", PairKind.CLICK, now - 10, now); // third adapter: over the limit of 2
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .contains("lorastream_streams_events_in_total{type=\"search_event\"} 1.0")
          .contains("lorastream_streams_dead_letters_total{reason=\"missing_field\"} 1.0")
          .contains("lorastream_streams_dead_letters_total{reason=\"late_event\"} 0.0")
          .contains("lorastream_streams_pairs_out_total{adapter=\"acme\",kind=\"click\"} 1.0")
          .contains("lorastream_streams_pairs_out_total{adapter=\"other\",kind=\"click\"} 1.0")
          .contains("lorastream_streams_event_to_pair_latency_seconds_bucket")
          .doesNotContain("initech");
    }
  }
}
