package io.lorastream.model.loss;

import static io.lorastream.model.loss.MultipleNegativesRankingLossTest.matrix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.lorastream.model.loss.GradientCheck.Input;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {

  // a1 = (1, 0), p1 = (0.6, 0.8), label 1; a2 = (0, 1), p2 = (0.8, 0.6), label 0.
  private static final double[] ANCHORS = {1, 0, 0, 1};
  private static final double[] OTHERS = {0.6, 0.8, 0.8, 0.6};

  @Test
  void labelledPairsGiveTheHandComputedLoss() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch =
          PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, OTHERS)).withLabels(1, 0);
      // d = 1 - cos = 0.4 for both pairs; margin 0.5.
      //   similar:    0.5 * 0.4^2 = 0.08
      //   dissimilar: 0.5 * relu(0.5 - 0.4)^2 = 0.005
      // mean 0.0425
      assertThat(Losses.create(LossConfig.of("contrastive")).compute(batch).getDouble())
          .isCloseTo(0.0425, within(1e-12));
      // Weights (3, 1): (3 * 0.08 + 0.005) / 4 = 0.06125.
      assertThat(ContrastiveLoss.computeLoss(batch.withWeights(3, 1), 0.5).getDouble())
          .isCloseTo(0.06125, within(1e-12));
    }
  }

  @Test
  void hardNegativesCountAsDissimilarPairs() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch =
          PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, OTHERS))
              .withLabels(1, 0)
              .withNegatives(matrix(m, new double[] {0.96, 0.28}), 0);
      // (a1, n) with label 0: d = 1 - 0.96 = 0.04 -> 0.5 * (0.5 - 0.04)^2 = 0.1058.
      // mean (0.08 + 0.005 + 0.1058) / 3 = 0.0636
      assertThat(ContrastiveLoss.computeLoss(batch, 0.5).getDouble())
          .isCloseTo(0.0636, within(1e-12));
    }
  }

  @Test
  void missingLabelsAreAClearError() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings unlabelled = PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, OTHERS));
      assertThatThrownBy(() -> ContrastiveLoss.computeLoss(unlabelled, 0.5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("contrastive loss needs a label per pair")
          .hasMessageContaining("'mnrl' or 'triplet'");
    }
  }

  @Test
  void gradientMatchesCentralDifferences() {
    Random random = new Random(13);
    List<Input> inputs =
        List.of(
            GradientCheck.unitRows(random, 3, 4),
            GradientCheck.unitRows(random, 3, 4),
            GradientCheck.unitRows(random, 2, 4));
    // Margin 2.5 > any cosine distance keeps every dissimilar hinge active; a soft label 0.3
    // exercises both terms at once.
    GradientCheck.assertGradientMatches(
        inputs,
        x ->
            ContrastiveLoss.computeLoss(
                PairEmbeddings.of(x.get(0), x.get(1))
                    .withLabels(1f, 0f, 0.3f)
                    .withNegatives(x.get(2), 2, 0)
                    .withWeights(1f, 0.5f, 2f),
                2.5),
        1e-6);
  }
}
