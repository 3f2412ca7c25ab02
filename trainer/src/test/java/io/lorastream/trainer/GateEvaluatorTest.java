package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    model = TrainerModel.load(TinyBase.folder(dir.resolve("tiny")).toString(), DeviceSetting.CPU, Precision.FP32, 100);
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
      try (LoraAdapter fresh = LoraAdapter.initialize(LoraConfig.DEFAULT, TinyBase.TINY, 1, model.encoder().manager(), false)) {
        double candidate = gate.ndcgAt10(data, fresh, mode, model.tokenizer(24), model.documents(24), null);
        assertThat(candidate).isEqualTo(base).isBetween(0.0, 1.0);
      }
    }
  }

  @Test
  void aFixedPoolWithTheRelevantDocumentAloneOnTopScoresOne() {
    // One query, one pool document, relevant: rank 1 of 1, so nDCG@10 = 1 whatever the vectors.
    EmbeddingMatrix pool = EmbeddingMatrix.of(List.of("d1"), new float[][] {new float[16]});
    pool.values()[0] = 1;
    EvalData data = new EvalData(List.of(new EvalData.Query("q", "what about vitamin d", Map.of("d1", 1.0), null)),
        List.of("d1"), List.of("text"), pool);
    GateEvaluator gate = new GateEvaluator(model.encoder());
    GateEvaluator.VectorMemo memo = new GateEvaluator.VectorMemo();
    assertThat(gate.ndcgAt10(data, null, AdaptationMode.QUERY, model.tokenizer(24), model.documents(24), memo)).isEqualTo(1.0);
    assertThat(memo.queries).containsOnlyKeys("what about vitamin d"); // remembered for the next run
  }

  @Test
  void anEmptyEvaluationSetIsRefused() {
    EvalData empty = EvalData.of(new HeldOutSet(10, 10), null);
    assertThatThrownBy(() -> new GateEvaluator(model.encoder()).ndcgAt10(empty, null, AdaptationMode.QUERY,
        model.tokenizer(24), model.documents(24), null)).hasMessageContaining("no evaluation query");
  }
}
