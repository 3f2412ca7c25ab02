package io.lorastream.trainer.step;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.train.FalseNegatives;
import io.lorastream.model.train.TrainingExample;
import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.TinyBase;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.pairs.BufferedPair;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's batch on a domain where each query has several relevant documents, shared between
 * queries.
 */
class BatchCompositionTest {

  @TempDir static Path dir;
  static TrainerModel model;
  static final AdapterSettings SETTINGS =
      TrainerConfigFiles.adapter(
          Map.of(
              "batch-size",
              "8",
              "replay-fraction",
              "0.5",
              "max-seq-length",
              "24",
              "lora-r",
              "2",
              "max-negatives",
              "3"),
          "test");

  @BeforeAll
  static void load() throws Exception {
    model =
        TrainerModel.load(
            TinyBase.folder(dir.resolve("tiny")).toString(),
            DeviceSetting.CPU,
            Precision.FP32,
            1000);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /**
   * Impressions of six queries, each clicking three of its five relevant documents (documents are
   * shared: query q's relevant ones are d(q)..d(q+4)), with the two shown above the first click as
   * skip-above negatives; the query's spelling varies from impression to impression.
   */
  private static List<TrainingPair> multiPositiveFeedback() {
    List<TrainingPair> out = new ArrayList<>();
    for (int impression = 0; impression < 40; impression++) {
      int q = impression % 6;
      String anchor = (impression % 2 == 0 ? "Query " : " query  ") + q;
      for (int c = 0; c < 3; c++) {
        String doc = "d" + (q + (impression + c) % 5);
        List<String> negatives = List.of("d" + (q + (impression + 3) % 5), "n" + impression);
        List<String> sources = List.of("click-" + impression + "-" + c);
        out.add(
            new TrainingPair(
                SchemaVersion.CURRENT,
                PairIds.of(PairKind.CLICK, sources, doc, negatives),
                PairKind.CLICK,
                "a",
                "t",
                anchor,
                "text of " + doc,
                doc,
                negatives.stream().map(n -> "text of " + n).toList(),
                negatives,
                1.0,
                null,
                sources,
                Instant.ofEpochMilli(1_700_000_000_000L + impression),
                null,
                "imp-" + impression,
                List.of()));
      }
    }
    return out;
  }

  @Test
  void aBatchNeverHoldsTwoPairsOfOneQueryNorANegativeKnownToBeRelevant() {
    Set<String> trained = new HashSet<>();
    int steps = 0;
    try (AdapterTrainer t = AdapterTrainer.start("a", SETTINGS, "pairs", 0, model, 100, 100)) {
      for (TrainingPair p : multiPositiveFeedback()) {
        t.offer(BufferedPair.of(p, 3), List.of(), p.tenant(), 0, 0);
        while (t.stepReady(0, 0)) {
          AdapterTrainer.Batch batch = t.nextBatch(0);
          Set<String> queries = new HashSet<>();
          Set<String> positives = new HashSet<>();
          for (BufferedPair p2 : batch.pairs()) {
            // no pair whose positive is a positive of another anchor in the batch with the same
            // text
            assertThat(queries.add(FalseNegatives.normalizeQuery(p2.anchor())))
                .as("query %s twice", p2.anchor())
                .isTrue();
            assertThat(positives.add(p2.positiveDocId()))
                .as("positive %s twice", p2.positiveDocId())
                .isTrue();
          }
          for (TrainingExample e : batch.examples()) {
            // a hard negative that a click made relevant to the query is dropped: only n<i> and
            // never-clicked d's remain
            for (String n : e.negativeIds()) {
              assertThat(e.relevantIds()).doesNotContain(n);
            }
          }
          batch.fresh().forEach(p2 -> trained.add(p2.pairId()));
          t.train(batch);
          steps++;
        }
      }
      assertThat(steps).isGreaterThan(10);
      // pairs that had to wait for a later step are trained, not dropped
      assertThat(trained.size() + t.pendingCount()).isEqualTo(120);
    }
  }
}
