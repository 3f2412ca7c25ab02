package io.lorastream.cli.demo;

import io.lorastream.bench.users.UserModel;
import io.lorastream.model.adapter.AdaptationMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What one demo run does, validated before anything starts.
 *
 * @param dataset a BEIR folder: corpus.jsonl, queries.jsonl, qrels/train.tsv (the simulated users'
 *     relevance) and qrels/test.tsv (the evaluation)
 * @param out where the report, the summary and the final adapter folder go
 * @param duration how long the loop runs before the summary (Ctrl-C ends it earlier)
 * @param adapter the adapter the demo's tenant trains and searches with
 * @param mode {@code query}: documents keep their base vectors (the index is built once); {@code
 *     both}: every version re-embeds the corpus
 * @param serverPort the embedding server's HTTP port (its /metrics too); 0 = any free port
 * @param streamsMetricsPort the streams app's /metrics port; 0 = any free port
 * @param trainerMetricsPort the trainer's /metrics port; 0 = any free port
 * @param searchesPerSecond the simulated users' search rate
 * @param seed the simulated users' random seed
 * @param users the click model
 */
public record DemoSettings(
    Path dataset,
    Path out,
    Duration duration,
    String adapter,
    AdaptationMode mode,
    int serverPort,
    int streamsMetricsPort,
    int trainerMetricsPort,
    double searchesPerSecond,
    long seed,
    UserModel users) {

  public DemoSettings {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(users, "users");
    for (String file :
        new String[] {"corpus.jsonl", "queries.jsonl", "qrels/train.tsv", "qrels/test.tsv"}) {
      if (!Files.isRegularFile(dataset.resolve(file))) {
        throw new IllegalArgumentException(
            "dataset "
                + dataset
                + " has no "
                + file
                + ": pass --dataset DIR, a BEIR folder with corpus.jsonl,"
                + " queries.jsonl and qrels/{train,test}.tsv (e.g. ../shared/datasets/scifact)");
      }
    }
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
    if (adapter == null || !adapter.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
      throw new IllegalArgumentException(
          "adapter name must be 1-64 of a-z 0-9 _ . - starting with a letter or digit, got '"
              + adapter
              + "'");
    }
    for (int port : new int[] {serverPort, streamsMetricsPort, trainerMetricsPort}) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("ports must be in 0..65535, got " + port);
      }
    }
    if (!(searchesPerSecond > 0 && searchesPerSecond <= 1000)) {
      throw new IllegalArgumentException(
          "searches per second must be in (0, 1000], got " + searchesPerSecond);
    }
  }

  /**
   * The demo tenant: all simulated users belong to it, and the streams app routes it to {@link
   * #adapter()}.
   */
  public String tenant() {
    return "demo";
  }
}
