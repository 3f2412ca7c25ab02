package io.lorastream.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.reference.OnnxRuntimeConfig;
import io.lorastream.model.reference.OnnxRuntimeEmbedder;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.server.EmbeddingServer;
import io.lorastream.server.adapters.ServerTopics;
import io.lorastream.server.config.ServerConfig;
import io.lorastream.server.config.ServerConfigFiles;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.io.PrintStream;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The server benchmark. N closed-loop clients on loopback send a fixed sequence of requests, alternately one
 * short text and a batch, to a real server while a new signed adapter version is published every few seconds;
 * then the same clients send the same requests to ONNX Runtime in-process on the same ONNX model
 * ({@link OnnxRuntimeEmbedder}, called directly: no HTTP), the baseline. Both systems run exactly the same
 * requests, so the ratio of their requests/s is also the ratio of texts/s and of wall times. The two alternate in
 * rounds (server, baseline, server, baseline, ...) so drift in a shared machine's load hits both alike.
 *
 * <p>Swap latency is measured by the clients: from a version's Kafka record timestamp to the first response whose
 * {@code X-Lorastream-Model-Version} header names it, so it includes fetching, verifying, merging and swapping
 * the version and one request served with it.
 */
public final class ServerBenchmark {

  /**
   * @param clients concurrent clients
   * @param batchSize texts per batch request
   * @param duration about how long the server's measured requests take, all rounds together
   * @param warmup unmeasured load on each system first; the server's warm-up sizes the request count
   * @param rounds alternations of server and baseline
   * @param publishEvery time between adapter versions during the server's runs
   * @param serverKeys server configuration keys laid over the benchmark's (e.g. batch.max-size)
   */
  public record Settings(
      int clients, int batchSize, Duration duration, Duration warmup, int rounds, Duration publishEvery,
      Map<String, String> serverKeys) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADAPTER = "bench";
  /** A safety bound on a request-count run: far longer than any run should take. */
  private static final Duration LIMIT = Duration.ofMinutes(30);

  private ServerBenchmark() {}

  /** Odd requests are batches, even ones single texts: the same 1:1 mix for both systems. */
  static boolean isBatch(long item) {
    return item % 2 == 1;
  }

  /** Runs both systems and returns the JSON summary (the caller prints it). */
  public static ObjectNode run(String bootstrap, BaseModel base, Settings s, PrintStream log) throws Exception {
    KeyPair keys = AdapterKeys.generate();
    String apiKey = "sk-bench-" + UUID.randomUUID();
    Map<String, String> keysMap = new HashMap<>(Map.of("host", "127.0.0.1", "port", "0", "bootstrap-servers", bootstrap,
        "instance-id", "bench"));
    keysMap.putAll(s.serverKeys());
    ServerConfig config = ServerConfigFiles.fromMap(keysMap, Map.of(
        ServerConfigFiles.ENV_PUBLIC_KEY, AdapterKeys.toPem(keys.getPublic()), ServerConfigFiles.ENV_API_KEYS, apiKey),
        null);
    ServerTopics.ensure(Map.of("bootstrap.servers", bootstrap), config.topics(), Duration.ofSeconds(30));
    OnnxRuntimeConfig ortConfig = OnnxRuntimeConfig.defaults().withMaxLength(config.maxLength());

    List<LoadReport> serverRuns = new ArrayList<>();
    List<LoadReport> ortRuns = new ArrayList<>();
    ArrayNode roundRatios = JSON.createArrayNode();
    ObjectNode serverExtra = JSON.createObjectNode();
    List<Double> swaps;
    long perRound;
    try (EmbeddingServer server = EmbeddingServer.start(config, base);
        VersionPublisher publisher = new VersionPublisher(bootstrap, config.topics().adapters(),
            config.topics().partitions(), ADAPTER, base, new AdapterSigner(keys.getPrivate()), log);
        OnnxRuntimeEmbedder ort = OnnxRuntimeEmbedder.allMiniLmL6V2(ortConfig)) {
      if (!server.awaitReady(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the server did not become ready in 60 s");
      }
      publisher.publishNext();
      server.registry().when(c -> c.serving(ADAPTER) != null).get(30, TimeUnit.SECONDS);
      HttpLoad http = new HttpLoad(s.clients(), server.uri(), apiKey, ADAPTER, s.batchSize(), ServerBenchmark::isBatch);
      ClosedLoopLoad.Call direct = (c, i) ->
          ort.embed(BenchTexts.forRequest(i, isBatch(i) ? s.batchSize() : 1), InputType.QUERY).length;

      log.printf("bench server: warming up the server and ONNX Runtime, %d s each%n", s.warmup().toSeconds());
      LoadReport warm = ClosedLoopLoad.run(s.clients(), s.warmup(), Long.MAX_VALUE, http, ServerBenchmark::isBatch);
      ClosedLoopLoad.run(s.clients(), s.warmup(), Long.MAX_VALUE, direct, ServerBenchmark::isBatch);
      http.statuses.clear();
      perRound = Math.max(2L * s.clients(),
          Math.round(warm.requestsPerSecond() * s.duration().toSeconds() / s.rounds()) / 2 * 2);

      for (int round = 1; round <= s.rounds(); round++) {
        log.printf("bench server: round %d/%d: %d requests to the server (a new adapter version every %d s)%n", round,
            s.rounds(), perRound, s.publishEvery().toSeconds());
        publisher.start(s.publishEvery());
        LoadReport srv = ClosedLoopLoad.run(s.clients(), LIMIT, perRound, http, ServerBenchmark::isBatch);
        publisher.endPhase(http.firstSeenMillis);
        log.printf("bench server: round %d/%d: the same requests to ONNX Runtime in-process%n", round, s.rounds());
        LoadReport base0 = ClosedLoopLoad.run(s.clients(), LIMIT, perRound, direct, ServerBenchmark::isBatch);
        serverRuns.add(srv);
        ortRuns.add(base0);
        roundRatios.add(LoadReport.round(srv.requestsPerSecond() / base0.requestsPerSecond(), 3));
        log.printf("bench server: round %d/%d: server %.1f req/s, ONNX Runtime %.1f req/s%n", round, s.rounds(),
            srv.requestsPerSecond(), base0.requestsPerSecond());
      }
      swaps = publisher.swapSeconds(http.firstSeenMillis);
      serverExtra.put("versions_published", publisher.swapsPublished());
      serverExtra.put("swaps_observed", swaps.size());
      serverExtra.put("swaps_published_after_the_last_request", publisher.unobserved());
      ArrayNode swapArray = serverExtra.putArray("swap_seconds");
      swaps.forEach(swapArray::add);
      ObjectNode st = serverExtra.putObject("statuses");
      http.statuses.forEach((k, v) -> st.put(Integer.toString(k), v));
      var activation = server.metrics().registry().find("lorastream.server.adapter.activation.latency")
          .tag("adapter", ADAPTER).timer();
      if (activation != null) {
        // publication to swapped in, before any request: the part of the swap latency the server controls
        serverExtra.put("activation_mean_seconds", LoadReport.round(activation.mean(TimeUnit.SECONDS), 3));
        serverExtra.put("activation_max_seconds", LoadReport.round(activation.max(TimeUnit.SECONDS), 3));
      }
      var batches = server.metrics().registry().find("lorastream.server.batch.size").summary();
      if (batches != null) {
        HistogramSnapshot snap = batches.takeSnapshot();
        serverExtra.put("forward_passes", snap.count());
        serverExtra.put("mean_texts_per_forward_pass", LoadReport.round(snap.mean(), 2));
      }
    }

    LoadReport server = LoadReport.merge(serverRuns);
    LoadReport ort = LoadReport.merge(ortRuns);
    ObjectNode out = JSON.createObjectNode();
    out.put("benchmark", "server");
    out.put("failed_requests", server.failed());
    out.put("swap_p50_seconds", LoadReport.round(quantile(swaps, 0.50), 3));
    out.put("swap_p99_seconds", LoadReport.round(quantile(swaps, 0.99), 3));
    out.put("requests_per_second", LoadReport.round(server.requestsPerSecond(), 2));
    out.put("latency_p50_ms", LoadReport.round(LoadReport.percentileMillis(server.latencyNanos(), 0.5), 2));
    out.put("latency_p99_ms", LoadReport.round(LoadReport.percentileMillis(server.latencyNanos(), 0.99), 2));
    // the same requests on both: also the ratio of texts/s and of wall times
    out.put("ratio_vs_onnxruntime", LoadReport.round(server.requestsPerSecond() / ort.requestsPerSecond(), 3));
    ObjectNode serverJson = server.toJson(JSON);
    serverJson.setAll(serverExtra);
    out.set("server", serverJson);
    ObjectNode ortJson = ort.toJson(JSON);
    ortJson.put("intra_op_threads", ortConfig.intraOpThreads());
    ortJson.put("batch_size", ortConfig.batchSize());
    out.set("onnxruntime", ortJson);
    out.set("ratio_per_round", roundRatios);
    ObjectNode setup = out.putObject("setup");
    setup.put("clients", s.clients());
    setup.put("rounds", s.rounds());
    setup.put("requests_per_round", perRound);
    setup.put("mix", "1:1 single texts and batches, the same request sequence for both systems");
    setup.put("batch_size", s.batchSize());
    setup.put("target_duration_seconds", s.duration().toSeconds());
    setup.put("warmup_seconds", s.warmup().toSeconds());
    setup.put("publish_every_seconds", s.publishEvery().toSeconds());
    setup.put("cores", Runtime.getRuntime().availableProcessors());
    setup.put("device", config.device().toString());
    setup.put("precision", config.precision().toString());
    setup.put("max_length", config.maxLength());
    setup.put("server_batch_max_size", config.batching().maxSize());
    setup.put("server_batch_max_wait_ms", config.batching().maxWait().toMillis());
    setup.put("encoding_format", "base64");
    setup.put("baseline", "ONNX Runtime in-process (same ONNX file, same max length), called directly by the same"
        + " clients: no HTTP, no JSON");
    return out;
  }

  private static double quantile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
