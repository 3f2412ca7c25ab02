package io.lorastream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossScopeTest {

  @Test
  void everyLossLeavesNothingBehindOnceTheStepScopeCloses() {
    List<LossConfig> configs =
        List.of(
            LossConfig.of("mnrl"),
            LossConfig.of("triplet"),
            LossConfig.of("contrastive"),
            LossConfig.of("cosine"),
            LossConfig.matryoshka(LossConfig.of("triplet"), List.of(16, 8, 4), null));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray anchors = m.randomNormal(new Shape(4, 16)).normalize(2, 1);
      NDArray positives = m.randomNormal(new Shape(4, 16)).normalize(2, 1);
      NDArray negatives = m.randomNormal(new Shape(3, 16)).normalize(2, 1);
      anchors.setRequiresGradient(true);
      int before = m.getManagedArrays().size();
      for (LossConfig config : configs) {
        EmbeddingLoss loss = Losses.create(config, 16);
        for (int i = 0; i < 5; i++) {
          try (NDScope scope = new NDScope();
              GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            PairEmbeddings batch =
                PairEmbeddings.of(anchors, positives)
                    .withNegatives(negatives, 0, 0, 3)
                    .withLabels(1, 0, 1, 0.5f)
                    .withWeights(1, 2, 1, 1);
            collector.backward(loss.compute(batch));
          }
        }
      }
      assertThat(m.getManagedArrays()).hasSize(before);
    }
  }
}
