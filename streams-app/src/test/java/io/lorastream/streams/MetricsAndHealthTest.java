package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.PairKind;
import io.lorastream.service.MetricsEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** The app's /metrics and /health/* on the services' one metrics endpoint. */
class MetricsAndHealthTest {
  @Test
  void metricsAreServedInThePrometheusFormatWithBoundedAdapterTags() throws Exception {
    try (MetricsEndpoint server = MetricsEndpoint.start(0, new HealthEndpoint())) {
      FeedbackMetrics metrics = new FeedbackMetrics(server.registry(), 2);
      metrics.eventIn("search_event");
      metrics.deadLetter(DeadLetterReason.MISSING_FIELD);
      long now = System.currentTimeMillis();
      metrics.pairOut("acme", PairKind.CLICK, now - 1_500, now);
      metrics.pairOut("globex", PairKind.LABEL, now - 10, now);
      metrics.pairOut(
          "initech", PairKind.CLICK, now - 10, now); // third adapter: over the limit of 2
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + server.port() + "/metrics"))
                      .build(),
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

  @Test
  void healthIsServedOnTheSamePortAndTurnsUnreadyAndNotLiveWhenTheAppGivesUp() throws Exception {
    HealthEndpoint health = new HealthEndpoint();
    try (MetricsEndpoint server = MetricsEndpoint.start(0, health)) {
      assertThat(get(server, "/health/ready").statusCode()).isEqualTo(503); // starting
      assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);

      health.use(() -> Health.of(KafkaStreams.State.RUNNING, null));
      HttpResponse<String> ready = get(server, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(ready.body()).isEqualTo("{\"live\":true,\"ready\":true,\"state\":\"RUNNING\"}");

      health.use(
          () ->
              Health.of(
                  KafkaStreams.State.PENDING_ERROR, "a stream thread failed the same way 4 times"));
      assertThat(get(server, "/health/ready").statusCode()).isEqualTo(503);
      HttpResponse<String> live = get(server, "/health/live");
      assertThat(live.statusCode()).isEqualTo(503);
      assertThat(live.body())
          .contains("\"reason\":\"a stream thread failed the same way 4 times\"");

      health.use(() -> Health.of(KafkaStreams.State.ERROR, null));
      assertThat(get(server, "/health/live").body()).contains("\"live\":false", "ERROR");
      HttpResponse<String> unknown = get(server, "/nope");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("/health/ready");
      assertThat(get(server, "/metrics").statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(MetricsEndpoint server, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
