package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.kafka.EmbeddedKafkaBroker;
import io.lorastream.kafka.EmbeddedKafkaConfig;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.server.testing.ServerHarness;
import io.lorastream.server.testing.TestAdapters;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away for a while and comes back on the same port with the same data (issue 18):
 * the server keeps serving what it loaded, {@code /health/ready} reports the watcher as
 * unreachable, and versions published after the broker returns are served. A server that starts
 * while the broker is away serves the base model, is not ready and says why, and catches up once
 * the broker is back.
 */
class BrokerOutageIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> FAST_CHECKS =
      Map.of("watcher.check-interval", "1s", "watcher.max-backoff", "2s");

  @TempDir static Path tmp;

  private static EmbeddedKafkaBroker broker;
  private static ServerHarness harness;

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static HttpResponse<String> embed(EmbeddingServer s, String model) throws Exception {
    return harness.post(
        s,
        "/v1/embeddings",
        "{\"model\":\"" + model + "\",\"input\":\"Aspirin thins blood.\"}",
        ServerHarness.API_KEY);
  }

  private static String servedVersion(EmbeddingServer s) throws Exception {
    HttpResponse<String> r = embed(s, "scifact");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("X-Lorastream-Model-Version").orElseThrow();
  }

  private static JsonNode ready(EmbeddingServer s, int status) throws Exception {
    HttpResponse<String> r = harness.get(s, "/health/ready", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  private static double reachableGauge(EmbeddingServer s) {
    return s.metrics().registry().get("lorastream.server.adapters.kafka.reachable").gauge().value();
  }

  /**
   * Starts the broker again on its port and data dir; the port may take a moment to be free for
   * binding.
   */
  private static EmbeddedKafkaBroker restart(int port, Path data) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return EmbeddedKafkaBroker.start(
            EmbeddedKafkaConfig.defaults().withPort(port).withDataDir(data));
      } catch (IllegalArgumentException | IllegalStateException e) {
        if (attempt == 20) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  @Test
  void theServerKeepsServingWhileKafkaIsAwayReportsItAndCatchesUpWhenItReturns() throws Exception {
    Path data = tmp.resolve("kafka-data");
    broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults().withDataDir(data));
    int port = broker.port();
    harness = new ServerHarness(broker);
    BaseModel base = ServerHarness.base();
    EmbeddingServer server = harness.start("outage", FAST_CHECKS);
    harness.publish(
        "scifact", 1, TestAdapters.randomWeights(base.config(), 1), AdaptationMode.QUERY);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(servedVersion(server)).isEqualTo("scifact@1"));
    assertThat(ready(server, 200).at("/adapters/state").asText()).isEqualTo("following");
    assertThat(reachableGauge(server)).isEqualTo(1.0);

    broker.close();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "unreachable".equals(ready(server, 200).at("/adapters/state").asText()));
    JsonNode whileAway = ready(server, 200);
    assertThat(whileAway.get("status").asText())
        .as("still serving what it loaded")
        .isEqualTo("ready");
    assertThat(whileAway.at("/adapters/detail").asText()).isNotBlank();
    assertThat(whileAway.at("/adapters/last_contact").asText()).isNotBlank();
    assertThat(reachableGauge(server)).isEqualTo(0.0);
    for (int i = 0; i < 5; i++) {
      assertThat(servedVersion(server)).isEqualTo("scifact@1");
    }
    assertThat(embed(server, "base").statusCode()).isEqualTo(200);

    // a replica that starts now cannot read the adapters: it serves the base, is not ready, and
    // says why
    EmbeddingServer cold =
        harness.startUnready(
            "outage-cold",
            Map.of(
                "create-topics",
                "false",
                "watcher.check-interval",
                "1s",
                "watcher.max-backoff",
                "2s"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "unreachable".equals(ready(cold, 503).at("/adapters/state").asText()));
    assertThat(ready(cold, 503).at("/adapters/detail").asText()).contains("failed");
    assertThat(embed(cold, "base").statusCode()).isEqualTo(200);
    HttpResponse<String> notYet = embed(cold, "scifact");
    assertThat(notYet.statusCode()).as(notYet.body()).isEqualTo(503);
    assertThat(JSON.readTree(notYet.body()).at("/error/code").asText()).isEqualTo("not_ready");

    // Kafka is back on the same port, with its data: both catch up, and a new version reaches both
    Thread.sleep(3000); // a while longer, past a few backoff rounds
    broker = restart(port, data);
    harness.publish(
        "scifact", 2, TestAdapters.randomWeights(base.config(), 2), AdaptationMode.QUERY);
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(servedVersion(server)).isEqualTo("scifact@2");
              assertThat(ready(cold, 200).at("/adapters/state").asText()).isEqualTo("following");
              assertThat(servedVersion(cold)).isEqualTo("scifact@2");
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(ready(server, 200).at("/adapters/state").asText()).isEqualTo("following");
              assertThat(reachableGauge(server)).isEqualTo(1.0);
            });
  }
}
