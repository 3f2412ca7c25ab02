package io.lorastream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.bench.server.ServerBenchmark;
import io.lorastream.kafka.EmbeddedKafkaBroker;
import io.lorastream.kafka.EmbeddedKafkaConfig;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BaseModelLoader;
import io.lorastream.server.config.ServerConfigFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lorastream bench server}: the embedding server under load while adapter versions keep
 * arriving, against ONNX Runtime in-process on the same model as the baseline. Starts its own
 * in-process Kafka broker.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark the embedding server on loopback while a new signed adapter version is published every few"
          + " seconds, against ONNX Runtime in-process (same ONNX model, same max length, called directly: no HTTP)"
          + " as the baseline, in three phases: single texts from one client (latency), batches from CLIENTS"
          + " clients (throughput), and CLIENTS clients alternating single texts and batches (the headline ratio)."
          + " In each phase the baseline gets exactly the requests the server answered; they alternate in rounds.",
      "Starts an in-process Kafka broker. Progress goes to stderr; the last stdout line is one JSON object:"
          + " failed_requests, swap_p50_seconds, swap_p99_seconds, requests_per_second, latency_p50_ms,"
          + " latency_p99_ms, ratio_vs_onnxruntime (mixed phase: server requests/s over ONNX Runtime's),"
          + " single_text (p50 and p99 of both, ratio_p50), batch (texts/s of both, ratio), cpu (model, features)"
          + " and raw figures."
    })
final class BenchServerCommand implements Callable<Integer> {

  @Option(
      names = "--clients",
      defaultValue = "8",
      description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "Texts per batch request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--duration",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description =
          "About how long the server's measured requests take, all phases and rounds together (a quarter"
              + " single texts, a quarter batches, half mixed); the baseline runs the same requests (default:"
              + " ${DEFAULT-VALUE}).")
  int duration;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      description =
          "Alternations of server and baseline, so load drift on a shared machine hits both"
              + " (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      paramLabel = "SECONDS",
      description = "Unmeasured seconds before each measured run (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--publish-every",
      defaultValue = "5",
      paramLabel = "SECONDS",
      description = "Seconds between adapter versions (default: ${DEFAULT-VALUE}).")
  int publishEvery;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Server settings (.properties or .yaml) laid over the benchmark's; address, Kafka and keys are the"
              + " benchmark's own.")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (clients < 1
        || batch < 1
        || duration < 5
        || warmup < 1
        || rounds < 1
        || publishEvery < 1
        || publishEvery >= duration) {
      System.err.println(
          "lorastream bench server: need --clients >= 1, --batch >= 1, --duration >= 5,"
              + " --warmup >= 1, --rounds >= 1 and 1 <= --publish-every < --duration");
      return 2;
    }
    Map<String, String> serverKeys = new HashMap<>();
    if (config != null) {
      try {
        serverKeys.putAll(ServerConfigFiles.read(config));
      } catch (IllegalArgumentException e) {
        System.err.println("lorastream bench server: " + e.getMessage());
        return 1;
      }
    }
    serverKeys
        .keySet()
        .removeAll(
            java.util.List.of(
                "host",
                "port",
                "bootstrap-servers",
                "api-keys",
                "admin-key",
                "adapter-public-key",
                "instance-id"));
    BaseModel base = BaseModelLoader.loadDefault();
    ObjectNode result;
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults().withPort(0))) {
      System.err.println("lorastream bench server: Kafka on " + broker.bootstrapServers());
      result =
          ServerBenchmark.run(
              broker.bootstrapServers(),
              base,
              new ServerBenchmark.Settings(
                  clients,
                  batch,
                  Duration.ofSeconds(duration),
                  Duration.ofSeconds(warmup),
                  rounds,
                  Duration.ofSeconds(publishEvery),
                  serverKeys),
              System.err);
    }
    System.out.println(new ObjectMapper().writeValueAsString(result));
    System.out.flush();
    return 0;
  }
}
