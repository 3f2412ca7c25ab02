package io.lorastream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.trainer.Pairs;
import io.lorastream.trainer.TinyBase;
import io.lorastream.trainer.step.TrainerModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateEvaluatorTest {

  @TempDir static Path dir;
  static TrainerModel model;

  @BeforeAll
  static void load() throws Exception {
    model =
        TrainerModel.load(
            TinyBase.folder(dir.resolve("tiny")).toString(),
            DeviceSetting.CPU,
            Precision.FP32,
            100);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static HeldOutSet set() {
    HeldOutSet s = new HeldOutSet(10, 100);
    for (int i = 0; i < 6; i++) {
      s.addHeldOut("q" + i, Pairs.buffered(i));
    }
    return s;
  }

  @Test
  void anUntrainedAdapterScoresExactlyAsTheBaseInBothModes() {
    GateEvaluator gate = new GateEvaluator(model.encoder());
    EvalData data = EvalData.of(set(), null);
    for (AdaptationMode mode : AdaptationMode.values()) {
      double base = gate.ndcgAt10(data, null, mode, model.tokenizer(24), model.documents(24), null);
      // B = 0: the adapter adds nothing, so the merged encoder is the base
      try (LoraAdapter fresh =
          LoraAdapter.initialize(
              LoraConfig.DEFAULT, TinyBase.TINY, 1, model.encoder().manager(), false)) {
        double candidate =
            gate.ndcgAt10(data, fresh, mode, model.tokenizer(24), model.documents(24), null);
        assertThat(candidate).isEqualTo(base).isBetween(0.0, 1.0);
      }
    }
  }

  @Test
  void aFixedPoolWithTheRelevantDocumentAloneOnTopScoresOne() {
    // One query, one pool document, relevant: rank 1 of 1, so nDCG@10 = 1 whatever the vectors.
    EmbeddingMatrix pool = EmbeddingMatrix.of(List.of("d1"), new float[][] {new float[16]});
    pool.values()[0] = 1;
    EvalData data =
        new EvalData(
            List.of(new EvalData.Query("q", "what about vitamin d", Map.of("d1", 1.0), null)),
            List.of("d1"),
            List.of("text"),
            pool);
    GateEvaluator gate = new GateEvaluator(model.encoder());
    GateEvaluator.VectorMemo memo = new GateEvaluator.VectorMemo();
    assertThat(
            gate.ndcgAt10(
                data, null, AdaptationMode.QUERY, model.tokenizer(24), model.documents(24), memo))
        .isEqualTo(1.0);
    assertThat(memo.queries)
        .containsOnlyKeys("what about vitamin d"); // remembered for the next run
  }

  @Test
  void aQueryWhoseJudgedDocumentsAreNotAllKnownScoresAsInFull() {
    // Pool [d1, d2, d3] with base vectors; the query's vector ranks d3 first, then d2, then d1.
    int h = 16; // TinyBase's hidden size
    float[] q = new float[h];
    q[0] = 1; // the query's vector, given through the memo
    float[][] rows = new float[3][h];
    rows[0][0] = 0.1f;
    rows[1][0] = 0.5f;
    rows[2][0] = 0.9f;
    EmbeddingMatrix pool = EmbeddingMatrix.of(List.of("d1", "d2", "d3"), rows);
    // d1 relevant. Judged {d1, d2}, all known: condensed ranking [d2, d1] -> 1/log2(3) = 0.6309;
    // FULL ranks
    // [d3, d2, d1] -> 0.5. Judged {d1, d2, unknown}: condensed would be as biased as the known
    // part, so FULL (0.5).
    EvalData known =
        new EvalData(
            List.of(new EvalData.Query("q", "q text", Map.of("d1", 1.0), Set.of("d1", "d2"))),
            List.of(),
            List.of(),
            pool);
    EvalData partly =
        new EvalData(
            List.of(
                new EvalData.Query(
                    "q", "q text", Map.of("d1", 1.0), Set.of("d1", "d2", "never-seen"))),
            List.of(),
            List.of(),
            pool);
    GateEvaluator gate = new GateEvaluator(model.encoder());
    GateEvaluator.VectorMemo memo = new GateEvaluator.VectorMemo();
    memo.queries.put("q text", q);
    GateEvaluator.Scores a =
        gate.perQueryNdcgAt10(
            known, null, AdaptationMode.QUERY, model.tokenizer(24), model.documents(24), memo);
    GateEvaluator.Scores b =
        gate.perQueryNdcgAt10(
            partly, null, AdaptationMode.QUERY, model.tokenizer(24), model.documents(24), memo);
    assertThat(a.condensed()[0])
        .isCloseTo(1 / (Math.log(3) / Math.log(2)), org.assertj.core.api.Assertions.within(1e-9));
    assertThat(a.full()[0]).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(b.condensed()[0])
        .isEqualTo(b.full()[0])
        .isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void anEmptyEvaluationSetIsRefused() {
    EvalData empty = EvalData.of(new HeldOutSet(10, 10), null);
    assertThatThrownBy(
            () ->
                new GateEvaluator(model.encoder())
                    .ndcgAt10(
                        empty,
                        null,
                        AdaptationMode.QUERY,
                        model.tokenizer(24),
                        model.documents(24),
                        null))
        .hasMessageContaining("no evaluation query");
  }
}
