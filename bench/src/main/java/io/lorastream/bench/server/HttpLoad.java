package io.lorastream.bench.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

/**
 * The benchmark's HTTP clients: one keep-alive connection per client, OpenAI-shaped requests with
 * {@code encoding_format: base64} (the official clients' default), and the moment each adapter
 * version is first seen in a response header.
 */
final class HttpLoad implements ClosedLoopLoad.Call {

  /**
   * The same clients sending another mix: request {@code i} is a batch when {@code isBatch} says
   * so.
   */
  ClosedLoopLoad.Call mix(LongPredicate mixIsBatch) {
    return (client, item) -> send(client, item, mixIsBatch.test(item) ? batchSize : 1);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String HEADER = "X-Lorastream-Model-Version";

  private final HttpClient[] clients;
  private final URI endpoint;
  private final String apiKey;
  private final String adapter;
  private final int batchSize;
  private final LongPredicate isBatch;
  final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
  final Map<Integer, Long> firstSeenMillis = new ConcurrentHashMap<>();

  HttpLoad(
      int clients,
      URI server,
      String apiKey,
      String adapter,
      int batchSize,
      LongPredicate isBatch) {
    this.clients = new HttpClient[clients];
    for (int i = 0; i < clients; i++) {
      this.clients[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
    this.endpoint = server.resolve("/v1/embeddings");
    this.apiKey = apiKey;
    this.adapter = adapter;
    this.batchSize = batchSize;
    this.isBatch = isBatch;
  }

  @Override
  public int call(int client, long item) throws Exception {
    return send(client, item, isBatch.test(item) ? batchSize : 1);
  }

  private int send(int client, long item, int n) throws Exception {
    List<String> texts = BenchTexts.forRequest(item, n);
    byte[] body =
        JSON.writeValueAsBytes(
            Map.of("model", adapter, "input", texts, "encoding_format", "base64"));
    HttpResponse<String> r =
        clients[client].send(
            HttpRequest.newBuilder(endpoint)
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    statuses.merge(r.statusCode(), 1, Integer::sum);
    if (r.statusCode() != 200) {
      return -1;
    }
    String v = r.headers().firstValue(HEADER).orElse("");
    if (v.startsWith(adapter + "@")) {
      firstSeenMillis.putIfAbsent(
          Integer.parseInt(v.substring(adapter.length() + 1)), System.currentTimeMillis());
    }
    return texts.size();
  }
}
