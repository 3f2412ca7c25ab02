package io.lorastream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.bench.streams.StreamsBenchmark;
import io.lorastream.kafka.EmbeddedKafkaBroker;
import io.lorastream.kafka.EmbeddedKafkaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Feedback through the streams app on the in-process broker, against that broker's raw produce +
 * consume.
 */
@Command(
    name = "streams",
    mixinStandardHelpOptions = true,
    description = {
      "Simulated SciFact feedback through the streams app (exactly-once) on an in-process Kafka broker, and in the",
      "same run the broker's raw produce+consume of the same records; a floor: the input records read while the",
      "records the app wrote are produced, raw; and a streams floor: the same reads and writes through Kafka Streams",
      "(exactly-once) with no work in between. Last stdout line: JSON with events_per_second, ratio_vs_raw, the raw",
      "figures, floor_events_per_second, ratio_ceiling_vs_raw, streams_floor_events_per_second,",
      "ratio_streams_ceiling_vs_raw and the settings."
    })
final class BenchStreamsCommand implements Callable<Integer> {

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      defaultValue = "../shared/datasets/scifact",
      description =
          "BEIR-format dataset whose train queries and corpus feed the simulation (default: ${DEFAULT-VALUE}).")
  Path dataset;

  @Option(
      names = "--impressions",
      paramLabel = "N",
      defaultValue = "40000",
      description =
          "Impressions to simulate, cycling through the train queries (default: ${DEFAULT-VALUE}).")
  int impressions;

  @Option(
      names = "--warmup-impressions",
      paramLabel = "N",
      defaultValue = "20000",
      description =
          "Impressions of an untimed warm-up run first, so both paths are timed with a warm JIT"
              + " (default: ${DEFAULT-VALUE}; 0 = none).")
  int warmupImpressions;

  @Option(
      names = "--warmup-rounds",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "How many warm-up runs, each followed by a wait for the JIT compilers' queue to drain"
              + " (default: ${DEFAULT-VALUE}: code that runs once per request or commit is optimized only after several;"
              + " after two, the JIT still compiled for seconds during the timed phase).")
  int warmupRounds;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "2",
      description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--spacing-ms",
      paramLabel = "MS",
      defaultValue = "25",
      description = "Event time between impressions (default: ${DEFAULT-VALUE}).")
  long spacingMs;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A streams setting over the bench defaults, e.g. --set commit-interval=500ms"
              + " --set kafka.linger.ms=20; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dataset)) {
      System.err.println(
          "lorastream bench streams: dataset "
              + dataset
              + " not found; pass --dataset DIR (a BEIR folder such as ../shared/datasets/scifact)");
      return 2;
    }
    var settings =
        new StreamsBenchmark.Settings(
            dataset, impressions, warmupImpressions, warmupRounds, partitions, spacingMs, set);
    StreamsBenchmark.Result r;
    // A deleted topic's files go at once rather than after the default minute: each run deletes its
    // topics (0.5-1 GB)
    // so that the next one is timed on a broker with no backlog of logs to write back to disk.
    var brokerConfig =
        EmbeddedKafkaConfig.defaults()
            .withBrokerProperties(Map.of("log.segment.delete.delay.ms", "0"));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerConfig)) {
      System.err.println("bench streams: in-process broker on " + broker.bootstrapServers());
      r =
          StreamsBenchmark.run(
              broker.bootstrapServers(),
              settings,
              line -> System.err.println("bench streams: " + line));
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    out.put("benchmark", "streams");
    out.put("events", r.events());
    out.put("events_per_second", Math.round(r.eventsPerSecond()));
    out.put("ratio_vs_raw", Math.round(r.ratioVsRaw() * 1000) / 1000.0);
    out.put("raw_produce_consume_events_per_second", Math.round(r.rawEventsPerSecond()));
    out.put("raw_produce_events_per_second", Math.round(r.rawProduceEventsPerSecond()));
    out.put("raw_consume_events_per_second", Math.round(r.rawConsumeEventsPerSecond()));
    out.put("raw_cpu_us_per_event", Math.round(r.rawCpuMicrosPerEvent()));
    out.put("streams_cpu_us_per_event", Math.round(r.streamsCpuMicrosPerEvent()));
    out.put("streams_seconds", Math.round(r.streamsSeconds() * 1000) / 1000.0);
    out.put("pairs", r.pairs());
    out.put("dead_letters", r.deadLetters());
    out.put("output_mb", Math.round(r.outputMegabytes() * 10) / 10.0);
    out.put("floor_events_per_second", Math.round(r.floorEventsPerSecond()));
    out.put("ratio_ceiling_vs_raw", Math.round(r.ratioCeilingVsRaw() * 1000) / 1000.0);
    out.put("streams_floor_events_per_second", Math.round(r.streamsFloorEventsPerSecond()));
    out.put("streams_floor_cpu_us_per_event", Math.round(r.streamsFloorCpuMicrosPerEvent()));
    out.put(
        "ratio_streams_ceiling_vs_raw", Math.round(r.ratioStreamsCeilingVsRaw() * 1000) / 1000.0);
    out.put("target_events_per_second", 20_000);
    out.put("target_ratio_vs_raw", 0.5);
    out.set("settings", json.valueToTree(r.settings()));
    System.out.println(json.writeValueAsString(out));
    return 0;
  }
}
