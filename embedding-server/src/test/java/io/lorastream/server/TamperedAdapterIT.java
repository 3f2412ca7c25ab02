package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.BaseModelId;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.RefusalReason;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.server.testing.ServerHarness;
import io.lorastream.server.testing.TestAdapters;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records that fail verification are refused and counted by reason; the version before keeps
 * serving.
 */
class TamperedAdapterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ServerHarness harness;
  private static EmbeddingServer server;

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    server = harness.start("tamper", Map.of());
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private static AdapterWeights weights(int seed) {
    return TestAdapters.randomWeights(ServerHarness.base().config(), seed);
  }

  private static double refused(RefusalReason reason) {
    return server.metrics().refusedCount(reason.tag());
  }

  @Test
  void tamperedRecordsAreRefusedWhileTheTrustedVersionKeepsServing() throws Exception {
    BaseModel base = ServerHarness.base();
    harness.publish("scifact", 1, weights(1), AdaptationMode.QUERY);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> server.registry().catalog().serving("scifact") != null);

    AtomicBoolean stop = new AtomicBoolean();
    List<HttpResponse<String>> responses = new CopyOnWriteArrayList<>();
    ExecutorService client = Executors.newSingleThreadExecutor();
    Future<?> load =
        client.submit(
            () -> {
              while (!stop.get()) {
                responses.add(
                    harness.post(
                        server,
                        "/v1/embeddings",
                        "{\"model\":\"scifact\",\"input\":\"Aspirin thins blood.\"}",
                        ServerHarness.API_KEY));
              }
              return null;
            });

    // a flipped byte in the weights: the signature no longer verifies
    byte[] flipped =
        TestAdapters.record(
            "scifact",
            2,
            weights(2),
            base.id(),
            base.config(),
            AdaptationMode.QUERY,
            harness.signer);
    flipped[flipped.length - 2 - 64 - 100] ^= 0x01;
    harness.publishRaw(new AdapterKey("scifact", 2), flipped);
    // signed with a key the server does not trust
    AdapterSigner stranger = new AdapterSigner(AdapterKeys.generate().getPrivate());
    harness.publishRaw(
        new AdapterKey("scifact", 3),
        TestAdapters.record(
            "scifact", 3, weights(3), base.id(), base.config(), AdaptationMode.QUERY, stranger));
    // validly signed, but for another base model
    BaseModelId other = new BaseModelId(base.id().name(), "0".repeat(64));
    harness.publishRaw(
        new AdapterKey("scifact", 4),
        TestAdapters.record(
            "scifact", 4, weights(4), other, base.config(), AdaptationMode.QUERY, harness.signer));
    // a valid record replayed under another version's key
    harness.publishRaw(
        new AdapterKey("scifact", 6),
        TestAdapters.record(
            "scifact",
            5,
            weights(5),
            base.id(),
            base.config(),
            AdaptationMode.QUERY,
            harness.signer));
    // not an adapter record at all
    harness.publishRaw(
        new AdapterKey("scifact", 7),
        "{\"weights\":\"trust me\"}".getBytes(StandardCharsets.UTF_8));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(refused(RefusalReason.BAD_SIGNATURE)).isEqualTo(2);
              assertThat(refused(RefusalReason.OTHER_BASE_MODEL)).isEqualTo(1);
              assertThat(refused(RefusalReason.KEY_MISMATCH)).isEqualTo(1);
              assertThat(refused(RefusalReason.MALFORMED)).isEqualTo(1);
            });
    assertThat(server.registry().catalog().adapters().get("scifact").versions())
        .containsOnlyKeys(1);

    // a trusted version after all that is still taken
    harness.publish("scifact", 8, weights(8), AdaptationMode.QUERY);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                responses.stream()
                    .anyMatch(
                        r ->
                            r.headers()
                                .firstValue("X-Lorastream-Model-Version")
                                .orElse("")
                                .equals("scifact@8")));
    stop.set(true);
    load.get(30, TimeUnit.SECONDS);
    client.shutdown();

    assertThat(responses)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));
    assertThat(responses)
        .extracting(r -> r.headers().firstValue("X-Lorastream-Model-Version").orElseThrow())
        .containsOnly("scifact@1", "scifact@8");
    String metrics = harness.get(server, "/metrics", null).body();
    assertThat(metrics)
        .contains("lorastream_server_adapters_refused_total{reason=\"bad_signature\"} 2.0");
    assertThat(metrics)
        .contains("lorastream_server_adapters_refused_total{reason=\"other_base_model\"} 1.0");
    HttpResponse<String> models = harness.get(server, "/v1/models", ServerHarness.API_KEY);
    assertThat(JSON.readTree(models.body()).findValues("id"))
        .extracting(n -> n.asText())
        .contains("base", "scifact", "scifact@1", "scifact@8")
        .doesNotContain("scifact@2", "scifact@3", "scifact@4");
  }
}
