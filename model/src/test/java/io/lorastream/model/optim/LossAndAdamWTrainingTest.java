package io.lorastream.model.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lorastream.model.loss.EmbeddingLoss;
import io.lorastream.model.loss.LossConfig;
import io.lorastream.model.loss.Losses;
import io.lorastream.model.loss.PairEmbeddings;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossAndAdamWTrainingTest {

  @Test
  void mnrlWithAdamWLearnsAMapThatAlignsQueriesWithTheirDocuments() {
    // Documents are a fixed random linear transform of their queries; a LoRA-shaped map
    // q -> normalize(q + q A^T B^T) (B starts at zero) must learn to bring queries next to them.
    int d = 16;
    int r = 4;
    int b = 8;
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(5);
      NDArray transform = m.randomNormal(new Shape(d, d)).mul(0.5).add(m.eye(d));
      NDArray loraA = m.randomNormal(new Shape(r, d)).mul(0.1);
      NDArray loraB = m.zeros(new Shape(d, r));
      loraA.setRequiresGradient(true);
      loraB.setRequiresGradient(true);
      AdamWConfig config = new AdamWConfig(1e-2, 0.9, 0.999, 1e-8, 0.0);
      List<ParameterGroup> groups =
          ParameterGroup.loraPlus(
              List.of(
                  new NamedParameter("lora_A.weight", loraA),
                  new NamedParameter("lora_B.weight", loraB)),
              config,
              4);
      EmbeddingLoss loss = Losses.create(LossConfig.DEFAULT);
      int before = m.getManagedArrays().size();
      float first = 0;
      float last = 0;
      try (AdamW adamW = new AdamW(config, groups)) {
        LearningRateSchedule schedule = LearningRateSchedule.warmupThenConstant(5);
        for (int step = 0; step < 60; step++) {
          try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray queries = m.randomNormal(new Shape(b, d)); // [B, D]
            NDArray documents = queries.matMul(transform).normalize(2, 1); // [B, D]
            NDArray value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
              NDArray delta = queries.matMul(loraA.transpose()).matMul(loraB.transpose()); // [B, D]
              NDArray anchors = queries.add(delta).normalize(2, 1); // [B, D]
              value = loss.compute(PairEmbeddings.of(anchors, documents));
              collector.backward(value);
            }
            adamW.step(schedule);
            adamW.zeroGradients();
            float v = value.getFloat();
            if (step < 5) {
              first += v / 5;
            }
            if (step >= 55) {
              last += v / 5;
            }
          }
        }
      }
      assertThat(last).as("mean loss of the last 5 steps vs the first 5").isLessThan(first * 0.8f);
      assertThat(m.getManagedArrays().size()).isLessThanOrEqualTo(before);
    }
  }
}
