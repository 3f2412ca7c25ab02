package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.server.testing.ServerHarness;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keys, errors in OpenAI's shape, text limits, the bounded queue, health and metrics, over real
 * HTTP.
 */
class ApiContractIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LONG_TEXT =
      "Vitamin D deficiency is associated with an increased risk of hip fractures in older adults living alone.";

  private static ServerHarness harness;
  private static EmbeddingServer truncating;
  private static EmbeddingServer strict;

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    truncating = harness.start("truncating", Map.of("max-length", "16", "max-inputs", "4"));
    // long texts refused; a queue of 4 texts; batches wait 5 s for company, so a queued request
    // holds the queue
    strict =
        harness.start(
            "strict",
            Map.of(
                "max-length",
                "16",
                "max-inputs",
                "4",
                "text-limit-policy",
                "reject",
                "batch.queue-capacity",
                "4",
                "batch.max-size",
                "64",
                "batch.max-wait",
                "5s",
                "max-request-bytes",
                "4096"));
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private static HttpResponse<String> embed(EmbeddingServer s, String body) throws Exception {
    return harness.post(s, "/v1/embeddings", body, ServerHarness.API_KEY);
  }

  private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode e = JSON.readTree(r.body()).get("error");
    assertThat(e).as("OpenAI error shape: %s", r.body()).isNotNull();
    assertThat(e.get("message").asText()).isNotBlank();
    assertThat(e.has("type") && e.has("param") && e.has("code")).isTrue();
    return e;
  }

  @Test
  void requestsWithoutAValidApiKeyGet401() throws Exception {
    String body = "{\"model\":\"base\",\"input\":\"a\"}";
    HttpResponse<String> none = harness.post(truncating, "/v1/embeddings", body, null);
    assertThat(error(none, 401).get("code").asText()).isEqualTo("invalid_api_key");
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    error(harness.post(truncating, "/v1/embeddings", body, "sk-wrong-0123456789abcdef"), 401);
    error(harness.post(truncating, "/v1/embeddings", body, ServerHarness.ADMIN_KEY), 401);
    error(harness.get(truncating, "/v1/models", null), 401);
    error(harness.get(truncating, "/admin/adapters", ServerHarness.API_KEY), 401);
  }

  @Test
  void healthAndMetricsAreOpen() throws Exception {
    assertThat(harness.get(truncating, "/health/live", null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = harness.get(truncating, "/health/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).get("status").asText()).isEqualTo("ready");
    harness.post(truncating, "/v1/embeddings", "{}", null);
    HttpResponse<String> metrics = harness.get(truncating, "/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("lorastream_server_responses_total{endpoint=\"embeddings\",status=\"401\"}")
        .contains("lorastream_server_queue_depth")
        .contains("lorastream_server_batch_size");
  }

  @Test
  void unknownModelsVersionsAndPathsGet404() throws Exception {
    JsonNode e = error(embed(truncating, "{\"model\":\"nope\",\"input\":\"a\"}"), 404);
    assertThat(e.get("code").asText()).isEqualTo("model_not_found");
    assertThat(e.get("param").asText()).isEqualTo("model");
    error(embed(truncating, "{\"model\":\"nope@3\",\"input\":\"a\"}"), 404);
    error(embed(truncating, "{\"model\":\"Not a model!\",\"input\":\"a\"}"), 404);
    assertThat(
            error(harness.get(truncating, "/v1/nothing", ServerHarness.API_KEY), 404)
                .get("code")
                .asText())
        .isEqualTo("unknown_url");
    error(harness.get(truncating, "/v1/models/nope", ServerHarness.API_KEY), 404);
  }

  @Test
  void malformedRequestsGet400NamingTheField() throws Exception {
    assertThat(error(embed(truncating, "{\"model\":\"base\",\"input\":"), 400).get("code").asText())
        .isEqualTo("invalid_json");
    assertThat(
            error(embed(truncating, "{\"model\":\"base\",\"input\":[]}"), 400)
                .get("param")
                .asText())
        .isEqualTo("input");
    assertThat(
            error(
                    embed(
                        truncating,
                        "{\"model\":\"base\",\"input\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}"),
                    400)
                .get("code")
                .asText())
        .isEqualTo("too_many_inputs");
    assertThat(
            error(embed(truncating, "{\"model\":\"base\",\"input\":\"a\",\"dimensions\":0}"), 400)
                .get("param")
                .asText())
        .isEqualTo("dimensions");
    error(embed(truncating, "{\"model\":\"base\",\"input\":\"a\",\"dimensions\":385}"), 400);
    assertThat(
            error(embed(truncating, "{\"model\":\"base\",\"input\":[101,102]}"), 400)
                .get("code")
                .asText())
        .isEqualTo("token_ids_unsupported");
  }

  @Test
  void longTextsAreTruncatedAndCountedOrRefusedWith413ByConfiguration() throws Exception {
    HttpResponse<String> cut =
        embed(truncating, "{\"model\":\"base\",\"input\":\"" + LONG_TEXT + "\"}");
    assertThat(cut.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(cut.body()).at("/usage/prompt_tokens").asInt()).isEqualTo(16);
    assertThat(harness.get(truncating, "/metrics", null).body())
        .containsPattern("lorastream_server_texts_truncated_total [1-9]");

    JsonNode refused =
        error(
            embed(strict, "{\"model\":\"base\",\"input\":[\"short\",\"" + LONG_TEXT + "\"]}"), 413);
    assertThat(refused.get("code").asText()).isEqualTo("input_too_long");
    assertThat(refused.get("message").asText()).contains("'input[1]'").contains("16 tokens");
    String huge = "{\"model\":\"base\",\"input\":\"" + "word ".repeat(1000) + "\"}";
    assertThat(error(embed(strict, huge), 413).get("code").asText()).isEqualTo("request_too_large");
  }

  @Test
  void aFullQueueAnswers429WithRetryAfterAndTheQueuedRequestStillSucceeds() throws Exception {
    CompletableFuture<HttpResponse<String>> queued =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return embed(strict, "{\"model\":\"base\",\"input\":[\"a\",\"b\",\"c\",\"d\"]}");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // the four texts wait up to 5 s for company and fill the queue meanwhile
    org.awaitility.Awaitility.await()
        .until(
            () ->
                harness
                    .get(strict, "/metrics", null)
                    .body()
                    .contains("lorastream_server_queue_depth 4.0"));
    HttpResponse<String> rejected = embed(strict, "{\"model\":\"base\",\"input\":\"one more\"}");
    JsonNode e = error(rejected, 429);
    assertThat(e.get("code").asText()).isEqualTo("queue_full");
    assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(queued.get().statusCode()).isEqualTo(200);
  }

  @Test
  void modelsAreListedInOpenAisShape() throws Exception {
    HttpResponse<String> r = harness.get(truncating, "/v1/models", ServerHarness.API_KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode json = JSON.readTree(r.body());
    assertThat(json.get("object").asText()).isEqualTo("list");
    JsonNode base = json.get("data").get(0);
    assertThat(base.get("id").asText()).isEqualTo("base");
    assertThat(base.get("object").asText()).isEqualTo("model");
    assertThat(base.get("owned_by").asText()).isEqualTo("lorastream");
    assertThat(base.get("created").isIntegralNumber()).isTrue();
    assertThat(base.get("dimensions").asInt()).isEqualTo(384);
    assertThat(base.get("base_model").asText()).isEqualTo("sentence-transformers/all-MiniLM-L6-v2");
  }
}
