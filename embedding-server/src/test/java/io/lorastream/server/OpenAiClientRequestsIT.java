package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.server.api.Vectors;
import io.lorastream.server.testing.OfflineEmbedder;
import io.lorastream.server.testing.RawHttp;
import io.lorastream.server.testing.ServerHarness;
import io.lorastream.server.testing.TestAdapters;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The requests the official OpenAI Python (2.x on httpx, 3.x on httpx2) and Node clients send,
 * captured byte for byte (see src/test/resources/openai-requests/README.md) and replayed unchanged
 * over a socket: headers ({@code Authorization: Bearer}, {@code User-Agent}, {@code X-Stainless-*},
 * keep-alive, gzip accepted) and JSON bodies as the clients write them. The answers are read as the
 * clients read them.
 */
class OpenAiClientRequestsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] CLIENTS = {"python-2.54.0", "python-3.22.1", "node-6.49.0"};

  private static ServerHarness harness;
  private static EmbeddingServer server;
  private static OfflineEmbedder offline;

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    server = harness.start("openai-clients", Map.of());
    harness.publish(
        "scifact",
        1,
        TestAdapters.randomWeights(ServerHarness.base().config(), 11),
        AdaptationMode.QUERY);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> server.registry().catalog().serving("scifact") != null);
    offline = new OfflineEmbedder(ServerHarness.base(), 256);
  }

  @AfterAll
  static void stop() {
    if (offline != null) {
      offline.close();
    }
    if (harness != null) {
      harness.close();
    }
  }

  private static byte[] captured(String name) throws IOException {
    try (InputStream in =
        OpenAiClientRequestsIT.class.getResourceAsStream("/openai-requests/" + name + ".http")) {
      if (in == null) {
        throw new IOException("missing capture " + name);
      }
      return in.readAllBytes();
    }
  }

  private static RawHttp.Response replay(String name) throws IOException {
    return RawHttp.exchange("127.0.0.1", server.port(), captured(name));
  }

  private static float[] embedding(JsonNode item) throws IOException {
    JsonNode e = item.get("embedding");
    return e.isTextual() ? Vectors.fromBase64(e.asText()) : JSON.treeToValue(e, float[].class);
  }

  private static void assertOpenAiShape(JsonNode json, int inputs) {
    assertThat(json.get("object").asText()).isEqualTo("list");
    assertThat(json.get("data")).hasSize(inputs);
    for (int i = 0; i < inputs; i++) {
      assertThat(json.get("data").get(i).get("object").asText()).isEqualTo("embedding");
      assertThat(json.get("data").get(i).get("index").asInt()).isEqualTo(i);
    }
    assertThat(json.at("/usage/prompt_tokens").isIntegralNumber()).isTrue();
    assertThat(json.at("/usage/total_tokens").asInt())
        .isEqualTo(json.at("/usage/prompt_tokens").asInt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-2.54.0", "python-3.22.1", "node-6.49.0"})
  void aSingleTextWithTheClientsDefaultBase64EncodingIsAnswered(String client) throws Exception {
    RawHttp.Response r = replay(client + "-single-base64");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().get("content-type")).startsWith("application/json");
    assertThat(r.headers().get("x-lorastream-model-version")).isEqualTo("scifact@1");
    JsonNode json = JSON.readTree(r.body());
    assertOpenAiShape(json, 1);
    assertThat(json.get("model").asText()).isEqualTo("scifact@1");
    assertThat(json.at("/data/0/embedding").isTextual()).as("base64 as asked").isTrue();
    float[] v = embedding(json.at("/data/0"));
    assertThat(v).hasSize(384);
    float[] want =
        offline.embed(
            "Vitamin D deficiency increases the risk of fractures.",
            TestAdapters.randomWeights(ServerHarness.base().config(), 11));
    assertThat(OfflineEmbedder.cosine(v, want)).isGreaterThanOrEqualTo(0.99999);
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-2.54.0", "python-3.22.1", "node-6.49.0"})
  void aBatchAsFloatsWithDimensionsIsAnswered(String client) throws Exception {
    RawHttp.Response r = replay(client + "-batch-float-dimensions");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().get("x-lorastream-model-version")).isEqualTo("base");
    JsonNode json = JSON.readTree(r.body());
    assertOpenAiShape(json, 2);
    assertThat(json.at("/data/1/embedding").isArray()).isTrue();
    float[] second = embedding(json.at("/data/1"));
    assertThat(second).hasSize(128);
    assertThat(
            OfflineEmbedder.cosine(
                second,
                Vectors.truncate(offline.embed("Statins lower LDL cholesterol.", null), 128)))
        .isGreaterThanOrEqualTo(0.99999);
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-2.54.0", "python-3.22.1", "node-6.49.0"})
  void documentInputTypeFromExtraBodyAndUserAreAccepted(String client) throws Exception {
    RawHttp.Response r = replay(client + "-document-extra-body");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode json = JSON.readTree(r.body());
    assertOpenAiShape(json, 1);
    // a query-mode adapter leaves documents with their base vectors
    assertThat(
            OfflineEmbedder.cosine(
                embedding(json.at("/data/0")), offline.embed("Mitochondria produce ATP.", null)))
        .isGreaterThanOrEqualTo(0.99999);
  }

  @org.junit.jupiter.api.Test
  void everyClientGetsTheSameVectorsForTheSameRequest() throws Exception {
    Map<String, float[]> byClient = new HashMap<>();
    for (String client : CLIENTS) {
      byClient.put(
          client, embedding(JSON.readTree(replay(client + "-single-base64").body()).at("/data/0")));
    }
    for (String client : List.of(CLIENTS)) {
      assertThat(byClient.get(client)).containsExactly(byClient.get(CLIENTS[0]));
    }
  }
}
