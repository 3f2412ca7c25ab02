package io.lorastream.bench.trainer;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.ProgressListener;
import io.lorastream.model.eval.RetrievalScores;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.OfflineRun;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.TrainerSettings;
import io.lorastream.trainer.gate.AdapterEvaluation;
import io.lorastream.trainer.step.TrainerModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code query} against {@code both} on the same SciFact click feedback with the same budget (the
 * same pairs, so the same number of steps): test-split nDCG@10 of each and seconds per step, next
 * to the base model measured in the same run. Offline (no Kafka), since what differs is the
 * training and the evaluation, not the plumbing. {@code both} re-embeds the corpus with its adapter
 * for the evaluation (minutes on a CPU); {@code query} reuses the base corpus.
 */
public final class ModeComparison {

  private ModeComparison() {}

  /**
   * @param settingsFile trainer settings whose {@code adapter-defaults} apply to both runs, or null
   *     for the defaults
   * @param pairs how many click pairs to train on (0 = all)
   */
  public static Map<String, Object> run(Path dataset, Path settingsFile, int pairs, PrintStream log)
      throws Exception {
    TrainerSettings s =
        settingsFile == null
            ? TrainerConfigFiles.defaults("unused:9092")
            : TrainerConfigFiles.load(settingsFile, Map.of("bootstrap", "unused:9092"));
    AdapterSettings base = s.adapterDefaults();
    int maxLength = base.maxSeqLength();
    Map<String, Object> out = new LinkedHashMap<>();
    try (TrainerModel model =
        TrainerModel.load(s.baseModel(), s.device(), s.precision(), s.documentCacheSize())) {
      BeirDataset ds = BeirDataset.load(dataset);
      log.println("compare modes: base corpus embeddings (cached after the first run)...");
      EmbeddingMatrix corpus =
          AdapterEvaluation.baseCorpus(model, ds, maxLength, ProgressListener.NONE);
      List<TrainingPair> clicks =
          SimulatedClicks.pairs(
              ds,
              "train",
              corpus,
              EncoderEmbedder.symmetric(model.encoder(), model.tokenizer(maxLength)),
              10,
              4,
              "scifact",
              "bench",
              Instant.now());
      List<TrainingPair> used =
          pairs <= 0 ? clicks : clicks.subList(0, Math.min(pairs, clicks.size()));
      for (int i = 0; i < corpus.size(); i++) {
        model
            .documents(maxLength)
            .put(SimulatedClicks.passage(ds, corpus.ids().get(i)), corpus.row(i));
      }
      out.put(
          "base_test_ndcg@10",
          round(
              AdapterEvaluation.evaluate(
                      model,
                      null,
                      AdaptationMode.QUERY,
                      ds,
                      "test",
                      maxLength,
                      corpus,
                      ProgressListener.NONE)
                  .ndcgAt10()));
      for (AdaptationMode mode : AdaptationMode.values()) {
        AdapterSettings a = base.withMode(mode);
        log.printf("compare modes: training '%s' on %d pairs...%n", mode.configName(), used.size());
        OfflineRun.Result r =
            OfflineRun.train(
                model, "compare-" + mode.configName(), a, used, s.holdoutFraction(), 1);
        long t0 = System.nanoTime();
        RetrievalScores scores =
            AdapterEvaluation.evaluate(
                model, r.weights(), mode, ds, "test", maxLength, corpus, (done, total) -> {});
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test_ndcg@10", round(scores.ndcgAt10()));
        m.put("steps", r.steps());
        m.put("pairs_trained", r.pairsTrained());
        m.put("seconds_per_step", round(r.secondsPerStep()));
        m.put("evaluation_seconds", round((System.nanoTime() - t0) / 1e9));
        out.put(mode.configName(), m);
      }
      out.put("pairs", used.size());
      out.put(
          "settings",
          Map.of(
              "lr",
              base.learningRate(),
              "batch_size",
              base.batchSize(),
              "replay_fraction",
              base.replayFraction(),
              "lora_r",
              base.lora().rank(),
              "max_negatives",
              base.maxNegatives(),
              "device",
              model.encoder().device().toString()));
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
