package io.lorastream.cli;

import io.lorastream.streams.FeedbackStreamsMain;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The feedback-to-pairs Kafka Streams app, until Ctrl-C or SIGTERM. */
@Command(
    name = "streams",
    mixinStandardHelpOptions = true,
    description = {
      "Run the streams app: search events, interactions and relevance labels in, training pairs out, exactly once;"
          + " bad records to the dead-letter topic. Runs until Ctrl-C or SIGTERM, then stops cleanly.",
      "Serves Prometheus metrics on http://HOST:PORT/metrics, and /health/live and /health/ready on the same port.",
      "Exits with status 1 when its stream threads keep failing the same way (max-thread-replacements)."
    })
final class StreamsCommand implements Callable<Integer> {

  @Option(
      names = "--bootstrap",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers, e.g. 127.0.0.1:9092 (see 'lorastream broker').")
  String bootstrap;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Settings in a .properties or .yaml file (keys: window, grace, dwell-threshold, max-negatives,"
              + " topic-prefix, tenant-adapters.<tenant>, kafka.<property>, ...); defaults apply to the rest.")
  Path config;

  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      description =
          "Port of /metrics (default: the config's metrics-port, 9410; 0 = any free port).")
  Integer metricsPort;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Where the app keeps its RocksDB state.")
  Path stateDir;

  @Override
  public Integer call() throws InterruptedException {
    FeedbackStreamsConfig settings;
    try {
      settings = config == null ? FeedbackStreamsConfig.DEFAULTS : ConfigFiles.load(config);
    } catch (IllegalArgumentException e) {
      System.err.println("lorastream streams: " + e.getMessage());
      return 2;
    }
    try {
      return FeedbackStreamsMain.run(bootstrap, settings, metricsPort, stateDir);
    } catch (IllegalStateException | IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println("lorastream streams: " + e.getMessage());
      return 1;
    }
  }
}
