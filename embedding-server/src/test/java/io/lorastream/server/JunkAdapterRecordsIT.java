package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.RefusalReason;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.server.testing.ServerHarness;
import io.lorastream.server.testing.TestAdapters;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Junk records with high version numbers on the adapters topic (issue 18): a server that starts
 * after them keeps the newest K signed versions, exactly as the server that was running keeps them,
 * and both take the next signed version. Before, start-up kept the raw records of the newest 2K
 * versions unverified, so 2K junk records pushed every signed version out.
 */
class JunkAdapterRecordsIT {

  private static final int JUNK = 12; // more than 2K = 6 per kind

  private static ServerHarness harness;
  private static EmbeddingServer running;

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    running = harness.start("junk-running", Map.of());
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

  private static double refused(EmbeddingServer s, RefusalReason reason) {
    return s.metrics().refusedCount(reason.tag());
  }

  @Test
  void junkWithHighVersionsPushesNoSignedVersionOutAtStartUpOrLive() throws Exception {
    BaseModel base = ServerHarness.base();
    for (int v = 1; v <= 3; v++) {
      harness.publish(
          "scifact", v, TestAdapters.randomWeights(base.config(), v), AdaptationMode.QUERY);
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(servedVersion(running)).isEqualTo("scifact@3"));

    AdapterSigner stranger = new AdapterSigner(AdapterKeys.generate().getPrivate());
    for (int i = 0; i < JUNK; i++) {
      harness.publishRaw(
          new AdapterKey("scifact", 1000 + i),
          ("{\"weights\":\"trust me\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
      harness.publishRaw(
          new AdapterKey("scifact", 2000 + i),
          TestAdapters.record(
              "scifact",
              2000 + i,
              TestAdapters.randomWeights(base.config(), 50 + i),
              base.id(),
              base.config(),
              AdaptationMode.QUERY,
              stranger));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(refused(running, RefusalReason.MALFORMED)).isEqualTo(JUNK);
              assertThat(refused(running, RefusalReason.BAD_SIGNATURE)).isEqualTo(JUNK);
            });

    EmbeddingServer restarted = harness.start("junk-restarted", Map.of());
    assertThat(refused(restarted, RefusalReason.MALFORMED))
        .as("refused while catching up")
        .isEqualTo(JUNK);
    assertThat(refused(restarted, RefusalReason.BAD_SIGNATURE)).isEqualTo(JUNK);
    for (EmbeddingServer s : new EmbeddingServer[] {running, restarted}) {
      assertThat(s.registry().catalog().adapters().get("scifact").versions())
          .as(s.config().instanceId())
          .containsOnlyKeys(1, 2, 3);
      assertThat(servedVersion(s)).isEqualTo("scifact@3");
    }

    // good input after the junk is still taken, by both
    harness.publish(
        "scifact", 4, TestAdapters.randomWeights(base.config(), 4), AdaptationMode.QUERY);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(servedVersion(running)).isEqualTo("scifact@4");
              assertThat(servedVersion(restarted)).isEqualTo("scifact@4");
            });
    assertThat(restarted.registry().catalog().adapters().get("scifact").versions())
        .containsOnlyKeys(2, 3, 4);
  }
}
