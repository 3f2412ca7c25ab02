package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.RefusalReason;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.server.adapters.AdapterRegistry;
import io.lorastream.server.testing.ServerHarness;
import io.lorastream.server.testing.TestAdapters;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Withdrawing a served version needs the publisher's signature (issue 18): a bare tombstone, which
 * anyone who can write the topic can send, takes nothing away from a running server or from one
 * that starts after it; the tombstone the trainer writes, with its signed withdrawal, does.
 */
class UnsignedTombstoneIT {

  private static ServerHarness harness;
  private static EmbeddingServer running;

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    running = harness.start("tombstone-running", Map.of());
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private static String servedVersion(EmbeddingServer s) throws Exception {
    HttpResponse<String> r =
        harness.post(
            s,
            "/v1/embeddings",
            "{\"model\":\"scifact\",\"input\":\"Aspirin thins blood.\"}",
            ServerHarness.API_KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("X-Lorastream-Model-Version").orElseThrow();
  }

  private static double refused(EmbeddingServer s, String reason) {
    return s.metrics().refusedCount(reason);
  }

  @Test
  void anUnsignedTombstoneTakesNothingAwayAndASignedWithdrawalDoes() throws Exception {
    BaseModel base = ServerHarness.base();
    AdapterWeights v2Weights = TestAdapters.randomWeights(base.config(), 2);
    harness.publish(
        "scifact", 1, TestAdapters.randomWeights(base.config(), 1), AdaptationMode.QUERY);
    harness.publish("scifact", 2, v2Weights, AdaptationMode.QUERY);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(servedVersion(running)).isEqualTo("scifact@2"));

    AdapterKey v2 = new AdapterKey("scifact", 2);
    harness.publishTombstone(v2, null);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> refused(running, AdapterRegistry.UNSIGNED_TOMBSTONE) == 1);
    assertThat(servedVersion(running)).isEqualTo("scifact@2");

    // a replica that starts after the tombstone agrees: it catches up to the same versions
    EmbeddingServer later = harness.start("tombstone-later", Map.of());
    assertThat(refused(later, AdapterRegistry.UNSIGNED_TOMBSTONE)).isEqualTo(1);
    assertThat(later.registry().catalog().adapters().get("scifact").versions())
        .containsOnlyKeys(1, 2);
    assertThat(servedVersion(later)).isEqualTo("scifact@2");

    // a withdrawal signed with a key the servers do not trust, or for another version, is refused
    // too
    AdapterSigner stranger = new AdapterSigner(AdapterKeys.generate().getPrivate());
    harness.publishTombstone(v2, harness.withdrawal(v2, stranger));
    harness.publishTombstone(v2, harness.withdrawal(new AdapterKey("scifact", 1), harness.signer));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(refused(running, RefusalReason.BAD_SIGNATURE.tag())).isEqualTo(1);
              assertThat(refused(running, RefusalReason.KEY_MISMATCH.tag())).isEqualTo(1);
              assertThat(refused(later, RefusalReason.BAD_SIGNATURE.tag())).isEqualTo(1);
            });
    assertThat(servedVersion(running)).isEqualTo("scifact@2");
    assertThat(servedVersion(later)).isEqualTo("scifact@2");

    // the publisher's signed withdrawal, as the trainer writes it on the tombstone
    harness.publishTombstone(v2, harness.withdrawal(v2, harness.signer));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(servedVersion(running)).isEqualTo("scifact@1");
              assertThat(servedVersion(later)).isEqualTo("scifact@1");
            });
    assertThat(running.registry().catalog().adapters().get("scifact").versions())
        .containsOnlyKeys(1);

    // the withdrawn version's record replayed: refused, version 1 keeps serving
    harness.publish("scifact", 2, v2Weights, AdaptationMode.QUERY);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                refused(running, AdapterRegistry.WITHDRAWN) == 1
                    && refused(later, AdapterRegistry.WITHDRAWN) == 1);
    assertThat(servedVersion(running)).isEqualTo("scifact@1");

    // and a replica that starts now reads all of it the same way
    EmbeddingServer last = harness.start("tombstone-last", Map.of());
    assertThat(last.registry().catalog().adapters().get("scifact").versions()).containsOnlyKeys(1);
    assertThat(servedVersion(last)).isEqualTo("scifact@1");
  }
}
