package io.lorastream.cli;

import io.lorastream.bench.users.UserModel;
import io.lorastream.cli.demo.DemoRun;
import io.lorastream.cli.demo.DemoSettings;
import io.lorastream.model.adapter.AdaptationMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The whole loop in one JVM on a BEIR dataset. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole loop in one JVM: a Kafka broker, the streams app, the trainer, the embedding server and simulated"
          + " users searching a BEIR dataset. Shows progress, evaluates every served version on the test split, and"
          + " ends (after --duration or on Ctrl-C) with a summary table, an HTML report and the final adapter under"
          + " --out. The last stdout line is one JSON object.",
      "Example: ./lorastream demo --dataset ../shared/datasets/scifact"
    })
final class DemoCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      description =
          "A BEIR folder: corpus.jsonl, queries.jsonl, qrels/train.tsv (the simulated users' judgments),"
              + " qrels/test.tsv (the evaluation), e.g. ../shared/datasets/scifact.")
  Path dataset;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      defaultValue = "600",
      description =
          "How long users search once the corpus is indexed (a first run indexes it first, a few minutes on a"
              + " CPU; later runs read the cache). Default: ${DEFAULT-VALUE}.")
  long durationSeconds;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "lorastream-demo",
      description =
          "Where report.html, summary.json, adapter/ and keys/ go. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(
      names = "--mode",
      paramLabel = "query|both",
      defaultValue = "query",
      description =
          "query: only queries go through the adapter (the index stays valid); both: documents too"
              + " (every version re-embeds the corpus). Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(
      names = "--adapter",
      paramLabel = "NAME",
      description = "Adapter name. Default: the dataset folder's name.")
  String adapter;

  @Option(
      names = "--server-port",
      paramLabel = "N",
      defaultValue = "8080",
      description =
          "Embedding server port (and its /metrics); 0 = any free port. Default: ${DEFAULT-VALUE}.")
  int serverPort;

  @Option(
      names = "--streams-metrics-port",
      paramLabel = "N",
      defaultValue = "9410",
      description = "Streams app /metrics port. Default: ${DEFAULT-VALUE}.")
  int streamsMetricsPort;

  @Option(
      names = "--trainer-metrics-port",
      paramLabel = "N",
      defaultValue = "9420",
      description = "Trainer /metrics port. Default: ${DEFAULT-VALUE}.")
  int trainerMetricsPort;

  @Option(
      names = "--searches-per-second",
      paramLabel = "R",
      defaultValue = "8",
      description = "Simulated searches per second. Default: ${DEFAULT-VALUE}.")
  double searchesPerSecond;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Simulated users' seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    if (dataset == null) {
      err.println(
          "lorastream demo: which dataset? Pass --dataset DIR, a BEIR folder (corpus.jsonl, queries.jsonl,"
              + " qrels/train.tsv, qrels/test.tsv), e.g. ./lorastream demo --dataset ../shared/datasets/scifact");
      err.flush();
      return 2;
    }
    DemoSettings settings;
    try {
      String name =
          adapter != null
              ? adapter
              : dataset
                  .toAbsolutePath()
                  .normalize()
                  .getFileName()
                  .toString()
                  .toLowerCase(Locale.ROOT)
                  .replaceAll("[^a-z0-9._-]", "-");
      settings =
          new DemoSettings(
              dataset,
              out,
              Duration.ofSeconds(durationSeconds),
              name,
              AdaptationMode.parse(mode),
              serverPort,
              streamsMetricsPort,
              trainerMetricsPort,
              searchesPerSecond,
              seed,
              UserModel.DEFAULT);
    } catch (IllegalArgumentException e) {
      err.println("lorastream demo: " + e.getMessage());
      err.flush();
      return 2;
    }
    DemoRun run = new DemoRun(settings, System.out, System.err);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              run.requestStop(); // Ctrl-C: finish with the summary, report and adapter, then exit
              try {
                finished.await(180, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "lorastream-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run.run();
    } catch (RuntimeException e) {
      err.println("lorastream demo: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already running: it returns as soon as it sees the latch
      }
    }
  }
}
