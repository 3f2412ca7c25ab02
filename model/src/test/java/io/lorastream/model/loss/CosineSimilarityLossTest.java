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

class CosineSimilarityLossTest {

  private static final double[] ANCHORS = {1, 0, 0, 1};
  private static final double[] OTHERS = {0.6, 0.8, 0.8, 0.6};

  @Test
  void squaredErrorBetweenCosineAndLabel() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch =
          PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, OTHERS)).withLabels(1, 0.5f);
      // cos = 0.6 for both: (0.6 - 1)^2 = 0.16, (0.6 - 0.5)^2 = 0.01, mean 0.085.
      assertThat(Losses.create(LossConfig.of("cosine")).compute(batch).getDouble())
          .isCloseTo(0.085, within(1e-7)); // label 0.5f is exact, 1e-7: float labels widened
      // A hard negative n = (0.96, 0.28) of a1 is a label-0 pair: 0.96^2 = 0.9216;
      // mean (0.16 + 0.01 + 0.9216) / 3 = 0.36386666...
      assertThat(
              CosineSimilarityLoss.computeLoss(
                      batch.withNegatives(matrix(m, new double[] {0.96, 0.28}), 0))
                  .getDouble())
          .isCloseTo(0.3638666666666666, within(1e-7));
      // Weights (1, 4): (0.16 + 4 * 0.01) / 5 = 0.04.
      assertThat(CosineSimilarityLoss.computeLoss(batch.withWeights(1, 4)).getDouble())
          .isCloseTo(0.04, within(1e-7));
    }
  }

  @Test
  void missingLabelsAreAClearError() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(
              () ->
                  CosineSimilarityLoss.computeLoss(
                      PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, OTHERS))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cosine loss needs a label per pair");
    }
  }

  @Test
  void gradientMatchesCentralDifferences() {
    Random random = new Random(17);
    List<Input> inputs =
        List.of(
            GradientCheck.unitRows(random, 3, 5),
            GradientCheck.unitRows(random, 3, 5),
            GradientCheck.unitRows(random, 1, 5));
    GradientCheck.assertGradientMatches(
        inputs,
        x ->
            CosineSimilarityLoss.computeLoss(
                PairEmbeddings.of(x.get(0), x.get(1))
                    .withLabels(1f, 0.25f, 0.75f)
                    .withNegatives(x.get(2), 1)),
        1e-6);
  }
}
