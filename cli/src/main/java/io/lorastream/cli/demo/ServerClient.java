package io.lorastream.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The simulated front-end's client of the embeddings API, as any application would call it. */
final class ServerClient {

  /** Vectors and the model version the server says it used. */
  record Embeddings(float[][] vectors, String version) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final URI base;
  private final String apiKey;

  /**
   * @param apiKey a bearer key, or null for a server that allows anonymous use
   */
  ServerClient(URI base, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder b) {
    return apiKey == null ? b : b.header("Authorization", "Bearer " + apiKey);
  }

  /** POST /v1/embeddings; retries 429/503 after the server's Retry-After. */
  Embeddings embed(List<String> texts, String model, String inputType)
      throws IOException, InterruptedException {
    ObjectNode body = json.createObjectNode();
    body.set("input", json.valueToTree(texts));
    body.put("model", model);
    body.put("input_type", inputType);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve("/v1/embeddings"))
            .timeout(Duration.ofMinutes(2))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    HttpRequest request = authorized(builder).build();
    for (int attempt = 0; ; attempt++) {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      int status = response.statusCode();
      if ((status == 429 || status == 503) && attempt < 20) {
        long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
        Thread.sleep(Math.max(200, wait * 1000));
        continue;
      }
      if (status != 200) {
        throw new IOException(
            "embeddings API answered " + status + ": " + new String(response.body()));
      }
      JsonNode data = json.readTree(response.body()).path("data");
      float[][] vectors = new float[data.size()][];
      for (JsonNode item : data) {
        JsonNode e = item.path("embedding");
        float[] v = new float[e.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) e.get(i).asDouble();
        }
        vectors[item.path("index").asInt()] = v;
      }
      return new Embeddings(
          vectors, response.headers().firstValue("X-Lorastream-Model-Version").orElse("?"));
    }
  }

  /**
   * The version of {@code adapter} being served (pins included) per GET /v1/models, or null if
   * none.
   */
  String currentVersion(String adapter) throws IOException, InterruptedException {
    HttpRequest request =
        authorized(
                HttpRequest.newBuilder(base.resolve("/v1/models"))
                    .timeout(Duration.ofSeconds(30))
                    .GET())
            .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      return null;
    }
    for (JsonNode model : json.readTree(response.body()).path("data")) {
      if (adapter.equals(model.path("id").asText())) {
        JsonNode current = model.path("serving_version");
        return current.isMissingNode() || current.isNull()
            ? null
            : adapter + "@" + current.asText();
      }
    }
    return null;
  }
}
