package io.lorastream.bench.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.reference.OnnxRuntimeConfig;
import io.lorastream.model.reference.OnnxRuntimeEmbedder;
import io.lorastream.model.runtime.CpuInfo;
import io.lorastream.model.serving.EngineChoice;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.server.EmbeddingServer;
import io.lorastream.server.adapters.ServerTopics;
import io.lorastream.server.config.BatchingConfig;
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
import java.util.function.LongPredicate;

/**
 * The server benchmark: a real server on loopback, while a new signed adapter version is published
 * every few seconds, against ONNX Runtime in-process on the same ONNX model ({@link
 * OnnxRuntimeEmbedder}, called directly: no HTTP), the baseline. Three phases, each alternating
 * server and baseline in rounds so drift in a shared machine's load hits both alike, and each
 * giving the baseline exactly the requests the server answered:
 *
 * <ol>
 *   <li>single text: one client sends one short text at a time (latency);
 *   <li>batch: N clients send batches (throughput in texts/s);
 *   <li>mixed: N clients, alternately one text and a batch, the headline {@code
 *       ratio_vs_onnxruntime}.
 * </ol>
 *
 * <p>Swap latency is measured by the clients: from a version's Kafka record timestamp to the first
 * response whose {@code X-Lorastream-Model-Version} header names it, so it includes fetching,
 * verifying, loading and swapping the version and one request served with it.
 */
public final class ServerBenchmark {

  /**
   * @param clients concurrent clients of the batch and mixed phases
   * @param batchSize texts per batch request
   * @param duration about how long the server's measured requests take, all phases and rounds
   *     together
   * @param warmup unmeasured load on each system first
   * @param rounds alternations of server and baseline in each phase
   * @param publishEvery time between adapter versions during the server's runs
   * @param serverKeys server configuration keys laid over the benchmark's (e.g. batch.max-size)
   */
  public record Settings(
      int clients,
      int batchSize,
      Duration duration,
      Duration warmup,
      int rounds,
      Duration publishEvery,
      Map<String, String> serverKeys) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADAPTER = "bench";

  /** A safety bound on a request-count run: far longer than any run should take. */
  private static final Duration LIMIT = Duration.ofMinutes(30);

  private ServerBenchmark() {}

  /**
   * Odd requests of the mixed phase are batches, even ones single texts: the same 1:1 mix for both
   * systems.
   */
  static boolean isBatch(long item) {
    return item % 2 == 1;
  }

  /** One phase's pooled runs. */
  private record Phase(LoadReport server, LoadReport baseline, ArrayNode roundRatios) {}

  /** Runs both systems and returns the JSON summary (the caller prints it). */
  public static ObjectNode run(String bootstrap, BaseModel base, Settings s, PrintStream log)
      throws Exception {
    KeyPair keys = AdapterKeys.generate();
    String apiKey = "sk-bench-" + UUID.randomUUID();
    Map<String, String> keysMap =
        new HashMap<>(
            Map.of(
                "host",
                "127.0.0.1",
                "port",
                "0",
                "bootstrap-servers",
                bootstrap,
                "instance-id",
                "bench"));
    keysMap.putAll(s.serverKeys());
    ServerConfig config =
        ServerConfigFiles.fromMap(
            keysMap,
            Map.of(
                ServerConfigFiles.ENV_PUBLIC_KEY,
                AdapterKeys.toPem(keys.getPublic()),
                ServerConfigFiles.ENV_API_KEYS,
                apiKey),
            null);
    ServerTopics.ensure(
        Map.of("bootstrap.servers", bootstrap), config.topics(), Duration.ofSeconds(30));
    OnnxRuntimeConfig ortConfig = OnnxRuntimeConfig.defaults().withMaxLength(config.maxLength());
    CpuInfo cpu = CpuInfo.current();
    log.printf(
        "bench server: %s, %d cores, features %s%n",
        cpu.model(), cpu.logicalCores(), String.join(" ", cpu.features()));

    Phase single;
    Phase batch;
    Phase mixed;
    ObjectNode serverExtra = JSON.createObjectNode();
    List<Double> swaps;
    try (EmbeddingServer server = EmbeddingServer.start(config, base);
        VersionPublisher publisher =
            new VersionPublisher(
                bootstrap,
                config.topics().adapters(),
                config.topics().partitions(),
                ADAPTER,
                base,
                new AdapterSigner(keys.getPrivate()),
                log);
        OnnxRuntimeEmbedder ort = OnnxRuntimeEmbedder.allMiniLmL6V2(ortConfig)) {
      if (!server.awaitReady(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the server did not become ready in 60 s");
      }
      publisher.publishNext();
      // the first version of a set of targets waits for its ONNX Runtime session to be built
      server.registry().when(c -> c.serving(ADAPTER) != null).get(5, TimeUnit.MINUTES);
      HttpLoad http =
          new HttpLoad(
              s.clients(), server.uri(), apiKey, ADAPTER, s.batchSize(), ServerBenchmark::isBatch);
      ClosedLoopLoad.Call direct =
          (c, i) ->
              ort.embed(BenchTexts.forRequest(i, isBatch(i) ? s.batchSize() : 1), InputType.QUERY)
                  .length;

      log.printf(
          "bench server: warming up the server and ONNX Runtime, %d s each%n",
          s.warmup().toSeconds());
      ClosedLoopLoad.run(s.clients(), s.warmup(), Long.MAX_VALUE, http, ServerBenchmark::isBatch);
      ClosedLoopLoad.run(s.clients(), s.warmup(), Long.MAX_VALUE, direct, ServerBenchmark::isBatch);
      http.statuses.clear();

      Duration quarter = s.duration().dividedBy(4);
      single =
          phase(
              "single text",
              1,
              quarter,
              s,
              http.mix(i -> false),
              (c, i) -> ort.embed(BenchTexts.forRequest(i, 1), InputType.QUERY).length,
              i -> false,
              publisher,
              http,
              log);
      batch =
          phase(
              "batch",
              s.clients(),
              quarter,
              s,
              http.mix(i -> true),
              (c, i) -> ort.embed(BenchTexts.forRequest(i, s.batchSize()), InputType.QUERY).length,
              i -> true,
              publisher,
              http,
              log);
      mixed =
          phase(
              "mixed",
              s.clients(),
              s.duration().minus(quarter.multipliedBy(2)),
              s,
              http,
              direct,
              ServerBenchmark::isBatch,
              publisher,
              http,
              log);

      swaps = publisher.swapSeconds(http.firstSeenMillis);
      serverExtra.put("versions_published", publisher.swapsPublished());
      serverExtra.put("swaps_observed", swaps.size());
      serverExtra.put("swaps_published_after_the_last_request", publisher.unobserved());
      ArrayNode swapArray = serverExtra.putArray("swap_seconds");
      swaps.forEach(swapArray::add);
      ObjectNode st = serverExtra.putObject("statuses");
      http.statuses.forEach((k, v) -> st.put(Integer.toString(k), v));
      var activation =
          server
              .metrics()
              .registry()
              .find("lorastream.server.adapter.activation.latency")
              .tag("adapter", ADAPTER)
              .timer();
      if (activation != null) {
        // publication to swapped in, before any request: the part of the swap latency the server
        // controls
        serverExtra.put(
            "activation_mean_seconds", LoadReport.round(activation.mean(TimeUnit.SECONDS), 3));
        serverExtra.put(
            "activation_max_seconds", LoadReport.round(activation.max(TimeUnit.SECONDS), 3));
      }
      var passes = server.metrics().registry().find("lorastream.server.batch.size").summary();
      if (passes != null) {
        HistogramSnapshot snap = passes.takeSnapshot();
        serverExtra.put("forward_passes", snap.count());
        serverExtra.put("mean_texts_per_forward_pass", LoadReport.round(snap.mean(), 2));
      }
    }

    ObjectNode out = JSON.createObjectNode();
    out.put("benchmark", "server");
    out.put(
        "failed_requests",
        single.server().failed() + batch.server().failed() + mixed.server().failed());
    out.put("swap_p50_seconds", LoadReport.round(quantile(swaps, 0.50), 3));
    out.put("swap_p99_seconds", LoadReport.round(quantile(swaps, 0.99), 3));
    out.put("requests_per_second", LoadReport.round(mixed.server().requestsPerSecond(), 2));
    out.put(
        "latency_p50_ms",
        LoadReport.round(LoadReport.percentileMillis(mixed.server().latencyNanos(), 0.5), 2));
    out.put(
        "latency_p99_ms",
        LoadReport.round(LoadReport.percentileMillis(mixed.server().latencyNanos(), 0.99), 2));
    // the same requests on both: also the ratio of texts/s and of wall times
    out.put(
        "ratio_vs_onnxruntime",
        LoadReport.round(
            mixed.server().requestsPerSecond() / mixed.baseline().requestsPerSecond(), 3));
    out.set("single_text", latencyJson(single));
    out.set("batch", throughputJson(batch, s.batchSize()));
    ObjectNode cpuJson = out.putObject("cpu");
    cpuJson.put("model", cpu.model());
    cpuJson.put("logical_cores", cpu.logicalCores());
    cpu.features().forEach(cpuJson.putArray("features")::add);
    ObjectNode serverJson = mixed.server().toJson(JSON);
    serverJson.setAll(serverExtra);
    out.set("server", serverJson);
    ObjectNode ortJson = mixed.baseline().toJson(JSON);
    ortJson.put("intra_op_threads", ortConfig.intraOpThreads());
    ortJson.put("batch_size", ortConfig.batchSize());
    out.set("onnxruntime", ortJson);
    out.set("ratio_per_round", mixed.roundRatios());
    ObjectNode setup = out.putObject("setup");
    setup.put("clients", s.clients());
    setup.put("rounds", s.rounds());
    setup.put("mix", "1:1 single texts and batches, the same request sequence for both systems");
    setup.put("batch_size", s.batchSize());
    setup.put("target_duration_seconds", s.duration().toSeconds());
    setup.put("warmup_seconds", s.warmup().toSeconds());
    setup.put("publish_every_seconds", s.publishEvery().toSeconds());
    setup.put("cores", Runtime.getRuntime().availableProcessors());
    setup.put("device", config.device().toString());
    EngineChoice served = config.engine().resolve(config.device().resolve(), config.precision());
    setup.put("engine", served.configName());
    setup.put("precision", config.precision().toString());
    setup.put("max_length", config.maxLength());
    setup.put("server_batch_max_size", config.batching().maxSize());
    setup.put("server_batch_max_wait_ms", config.batching().maxWait().toMillis());
    int workers = config.batching().workersFor(served, Runtime.getRuntime().availableProcessors());
    setup.put("server_batch_workers", workers);
    setup.put(
        "server_threads_per_pass",
        BatchingConfig.threadsPerPass(workers, Runtime.getRuntime().availableProcessors()));
    setup.put("encoding_format", "base64");
    setup.put(
        "baseline",
        "ONNX Runtime in-process (same ONNX file, same max length), called directly by the same"
            + " clients: no HTTP, no JSON");
    return out;
  }

  /**
   * Rounds of the server (bounded by time, while versions are published) and then the baseline on
   * exactly the requests the server answered.
   */
  private static Phase phase(
      String name,
      int clients,
      Duration serverTime,
      Settings s,
      ClosedLoopLoad.Call server,
      ClosedLoopLoad.Call baseline,
      LongPredicate isBatch,
      VersionPublisher publisher,
      HttpLoad http,
      PrintStream log)
      throws InterruptedException {
    List<LoadReport> serverRuns = new ArrayList<>();
    List<LoadReport> baselineRuns = new ArrayList<>();
    ArrayNode ratios = JSON.createArrayNode();
    Duration perRound = serverTime.dividedBy(s.rounds());
    for (int round = 1; round <= s.rounds(); round++) {
      publisher.start(s.publishEvery());
      LoadReport srv = ClosedLoopLoad.run(clients, perRound, Long.MAX_VALUE, server, isBatch);
      publisher.endPhase(http.firstSeenMillis);
      LoadReport ort = ClosedLoopLoad.run(clients, LIMIT, srv.requests(), baseline, isBatch);
      serverRuns.add(srv);
      baselineRuns.add(ort);
      ratios.add(LoadReport.round(srv.textsPerSecond() / ort.textsPerSecond(), 3));
      log.printf(
          "bench server: %s, round %d/%d: %d requests; server %.1f texts/s (p50 %.1f ms), ONNX Runtime %.1f"
              + " texts/s (p50 %.1f ms)%n",
          name,
          round,
          s.rounds(),
          srv.requests(),
          srv.textsPerSecond(),
          LoadReport.percentileMillis(srv.latencyNanos(), 0.5),
          ort.textsPerSecond(),
          LoadReport.percentileMillis(ort.latencyNanos(), 0.5));
    }
    return new Phase(LoadReport.merge(serverRuns), LoadReport.merge(baselineRuns), ratios);
  }

  private static ObjectNode latencyJson(Phase p) {
    ObjectNode n = JSON.createObjectNode();
    double server50 = LoadReport.percentileMillis(p.server().latencyNanos(), 0.5);
    double ort50 = LoadReport.percentileMillis(p.baseline().latencyNanos(), 0.5);
    n.put("requests", p.server().requests());
    n.put("failed_requests", p.server().failed());
    n.put("server_p50_ms", LoadReport.round(server50, 2));
    n.put(
        "server_p99_ms",
        LoadReport.round(LoadReport.percentileMillis(p.server().latencyNanos(), 0.99), 2));
    n.put("onnxruntime_p50_ms", LoadReport.round(ort50, 2));
    n.put(
        "onnxruntime_p99_ms",
        LoadReport.round(LoadReport.percentileMillis(p.baseline().latencyNanos(), 0.99), 2));
    // above 1: the server answers a lone text faster than ONNX Runtime computes it in-process
    n.put("ratio_p50", LoadReport.round(ort50 / server50, 3));
    n.set("ratio_per_round", p.roundRatios());
    return n;
  }

  private static ObjectNode throughputJson(Phase p, int batchSize) {
    ObjectNode n = JSON.createObjectNode();
    n.put("requests", p.server().requests());
    n.put("failed_requests", p.server().failed());
    n.put("texts_per_request", batchSize);
    n.put("server_texts_per_second", LoadReport.round(p.server().textsPerSecond(), 2));
    n.put("onnxruntime_texts_per_second", LoadReport.round(p.baseline().textsPerSecond(), 2));
    n.put(
        "ratio", LoadReport.round(p.server().textsPerSecond() / p.baseline().textsPerSecond(), 3));
    n.put(
        "server_p50_ms",
        LoadReport.round(LoadReport.percentileMillis(p.server().latencyNanos(), 0.5), 2));
    n.put(
        "onnxruntime_p50_ms",
        LoadReport.round(LoadReport.percentileMillis(p.baseline().latencyNanos(), 0.5), 2));
    n.set("ratio_per_round", p.roundRatios());
    return n;
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
