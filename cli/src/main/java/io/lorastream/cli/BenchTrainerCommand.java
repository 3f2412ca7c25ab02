package io.lorastream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.bench.trainer.ModeComparison;
import io.lorastream.bench.trainer.TrainerBench;
import io.lorastream.kafka.EmbeddedKafkaBroker;
import io.lorastream.kafka.EmbeddedKafkaConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lorastream bench trainer}: throughput and freshness of the trainer on SciFact pairs
 * through an in-process broker.
 */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "SciFact click pairs through an in-process Kafka broker into the trainer: pairs/s on a burst (against an offline",
      "baseline run in the same JVM), then freshness on a steady stream: from a pair's production to the moment a",
      "read_committed reader of the adapters topic sees the first verified version covering it.",
      "Last stdout line: one JSON object (pairs_per_second, freshness_p50_seconds, freshness_p99_seconds, settings...)."
    })
final class BenchTrainerCommand implements Callable<Integer> {

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      defaultValue = "../shared/datasets/scifact",
      description = "BEIR folder (default: ${DEFAULT-VALUE}).")
  Path dataset;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Trainer settings to start from (default: the defaults).")
  Path config;

  @Option(
      names = "--burst",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Pairs in the throughput burst; 0 = every simulated train click but the last --stream ones, which"
              + " phase 2 streams as new feedback (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(
      names = "--stream",
      paramLabel = "N",
      defaultValue = "120",
      description = "Pairs in the freshness stream (default: ${DEFAULT-VALUE}).")
  int stream;

  @Option(
      names = "--rate",
      paramLabel = "PAIRS_PER_S",
      defaultValue = "0",
      description =
          "Freshness stream rate; 0 = half the burst throughput (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--baseline-pairs",
      paramLabel = "N",
      defaultValue = "128",
      description = "Pairs the offline baseline trains (default: ${DEFAULT-VALUE}).")
  int baselinePairs;

  @Option(
      names = "--compare-modes",
      description =
          "Instead: train 'query' and 'both' offline on the same click pairs (--burst of them; 0 = all) and"
              + " report test nDCG@10 and seconds per step for each. 'both' re-embeds the corpus to evaluate: slow on a CPU.")
  boolean compareModes;

  @Option(
      names = "--cold-documents",
      description =
          "Let the trainer embed every document itself instead of preloading the corpus' cached base embeddings.")
  boolean coldDocuments;

  @Override
  public Integer call() throws Exception {
    if (compareModes) {
      try {
        Map<String, Object> result = ModeComparison.run(dataset, config, burst, System.err);
        System.out.println(new ObjectMapper().writeValueAsString(result));
        return 0;
      } catch (IllegalArgumentException | IllegalStateException e) {
        System.err.println("lorastream bench trainer: " + e.getMessage());
        return 1;
      }
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults())) {
      Map<String, Object> result =
          TrainerBench.run(
              new TrainerBench.Options(
                  dataset,
                  broker.bootstrapServers(),
                  config,
                  burst,
                  stream,
                  rate,
                  coldDocuments,
                  baselinePairs),
              System.err);
      System.out.println(new ObjectMapper().writeValueAsString(result));
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("lorastream bench trainer: " + e.getMessage());
      return 1;
    }
  }
}
