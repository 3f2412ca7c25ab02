package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.server.api.Vectors;
import io.lorastream.server.testing.OfflineEmbedder;
import io.lorastream.server.testing.ServerHarness;
import io.lorastream.server.testing.TestAdapters;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
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
 * Versions published while clients keep asking: no request fails, and every response's vectors are
 * those of the version its header names, computed offline with the adapter applied on the fly.
 */
class HotSwapIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TEXTS =
      List.of(
          "Vitamin D deficiency increases the risk of hip fractures in older adults.",
          "Aspirin reduces platelet aggregation.",
          "Statins lower LDL cholesterol and cardiovascular events.",
          "Mitochondria produce most of the cell's ATP.",
          "BRCA1 mutations raise the lifetime risk of breast cancer.",
          "Smoking is associated with lung cancer.",
          "Regular exercise improves insulin sensitivity.",
          "Antibiotics do not treat viral infections.");

  private static ServerHarness harness;
  private static EmbeddingServer server;
  private static OfflineEmbedder offline;

  private record Served(
      int status, String version, String body, List<String> texts, String format) {}

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    // K = 2: v1 leaves the catalog when v3 arrives, while requests on it may still be running
    server = harness.start("hot-swap", Map.of("retained-versions", "2"));
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

  private static AdapterWeights weights(int version) {
    return TestAdapters.randomWeights(ServerHarness.base().config(), 1000 + version);
  }

  private static void awaitServing(String adapter, int version) throws Exception {
    server
        .registry()
        .when(c -> c.serving(adapter) != null && c.serving(adapter).version() == version)
        .get(30, TimeUnit.SECONDS);
  }

  /**
   * Waits until clients got a response served with {@code version} (a swap under load, seen from
   * outside).
   */
  private static void awaitResponse(List<Served> responses, String version) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> responses.stream().anyMatch(r -> version.equals(r.version())));
  }

  @Test
  void versionsPublishedUnderLoadAreServedWithoutAFailedRequestAndMatchOfflineVectors()
      throws Exception {
    harness.publish("scifact", 1, weights(1), AdaptationMode.QUERY);
    awaitServing("scifact", 1);

    AtomicBoolean stop = new AtomicBoolean();
    List<Served> responses = new CopyOnWriteArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      long seed = c;
      running.add(
          clients.submit(
              () -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                while (!stop.get()) {
                  List<String> texts = new ArrayList<>();
                  for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                    texts.add(TEXTS.get(rnd.nextInt(TEXTS.size())));
                  }
                  String format = rnd.nextBoolean() ? "float" : "base64";
                  String body =
                      JSON.writeValueAsString(
                          Map.of("model", "scifact", "input", texts, "encoding_format", format));
                  HttpResponse<String> r =
                      harness.post(server, "/v1/embeddings", body, ServerHarness.API_KEY);
                  responses.add(
                      new Served(
                          r.statusCode(),
                          r.headers().firstValue("X-Lorastream-Model-Version").orElse(null),
                          r.body(),
                          texts,
                          format));
                }
                return null;
              }));
    }
    awaitResponse(responses, "scifact@1");
    harness.publish("scifact", 2, weights(2), AdaptationMode.QUERY);
    awaitResponse(responses, "scifact@2");
    harness.publish("scifact", 3, weights(3), AdaptationMode.QUERY);
    awaitResponse(responses, "scifact@3");
    Thread.sleep(500);
    stop.set(true);
    for (Future<?> f : running) {
      f.get(60, TimeUnit.SECONDS);
    }
    clients.shutdown();

    assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
    assertThat(responses)
        .extracting(Served::version)
        .contains("scifact@1", "scifact@2", "scifact@3")
        .containsOnly("scifact@1", "scifact@2", "scifact@3");

    Map<String, float[]> reference = new ConcurrentHashMap<>();
    double worst = 1;
    for (Served r : responses) {
      int version = Integer.parseInt(r.version().substring("scifact@".length()));
      JsonNode json = JSON.readTree(r.body());
      assertThat(json.get("model").asText()).isEqualTo(r.version());
      for (int i = 0; i < r.texts().size(); i++) {
        String text = r.texts().get(i);
        JsonNode e = json.get("data").get(i).get("embedding");
        float[] got =
            r.format().equals("base64")
                ? Vectors.fromBase64(e.asText())
                : JSON.treeToValue(e, float[].class);
        float[] want =
            reference.computeIfAbsent(
                version + "|" + text, k -> offline.embed(text, weights(version)));
        worst = Math.min(worst, OfflineEmbedder.cosine(got, want));
      }
    }
    assertThat(worst)
        .as("worst cosine to the offline vector of the version the header names")
        .isGreaterThanOrEqualTo(0.99999);

    // the check can fail: versions give clearly different vectors
    String t = TEXTS.get(0);
    assertThat(OfflineEmbedder.cosine(offline.embed(t, weights(1)), offline.embed(t, weights(2))))
        .isLessThan(0.999);
    assertThat(OfflineEmbedder.cosine(offline.embed(t, weights(2)), offline.embed(t, weights(3))))
        .isLessThan(0.999);

    String metrics = harness.get(server, "/metrics", null).body();
    assertThat(metrics)
        .contains("lorastream_server_adapter_swap_latency_seconds_count{adapter=\"scifact\"} 3");
    assertThat(metrics).contains("lorastream_server_adapter_version{adapter=\"scifact\"} 3.0");
    assertThat(metrics)
        .contains("lorastream_server_request_latency_seconds_bucket{model=\"scifact\"");
    System.out.printf("hot swap: %d responses, worst cosine %.8f%n", responses.size(), worst);
  }

  @Test
  void documentsOfAQueryModeAdapterKeepTheirBaseEmbeddingsAndBothModeAdaptsThem() throws Exception {
    harness.publish("queries-only", 1, weights(7), AdaptationMode.QUERY);
    harness.publish("both-sides", 1, weights(8), AdaptationMode.BOTH);
    awaitServing("queries-only", 1);
    awaitServing("both-sides", 1);
    String text = TEXTS.get(3);
    Map<String, float[]> got = new HashMap<>();
    for (String model : List.of("queries-only", "both-sides")) {
      String body =
          JSON.writeValueAsString(Map.of("model", model, "input", text, "input_type", "document"));
      HttpResponse<String> r = harness.post(server, "/v1/embeddings", body, ServerHarness.API_KEY);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Lorastream-Model-Version")).hasValue(model + "@1");
      got.put(
          model,
          JSON.treeToValue(
              JSON.readTree(r.body()).get("data").get(0).get("embedding"), float[].class));
    }
    assertThat(OfflineEmbedder.cosine(got.get("queries-only"), offline.embed(text, null)))
        .isGreaterThanOrEqualTo(0.99999);
    assertThat(OfflineEmbedder.cosine(got.get("both-sides"), offline.embed(text, weights(8))))
        .isGreaterThanOrEqualTo(0.99999);
  }

  @Test
  void dimensionsTruncateAndRenormaliseTheServedVector() throws Exception {
    String text = TEXTS.get(1);
    HttpResponse<String> r =
        harness.post(
            server,
            "/v1/embeddings",
            JSON.writeValueAsString(Map.of("model", "base", "input", text, "dimensions", 64)),
            ServerHarness.API_KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    float[] v =
        JSON.treeToValue(
            JSON.readTree(r.body()).get("data").get(0).get("embedding"), float[].class);
    assertThat(v).hasSize(64);
    float[] want = Vectors.truncate(offline.embed(text, null), 64);
    assertThat(OfflineEmbedder.cosine(v, want)).isGreaterThanOrEqualTo(0.99999);
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }
}
