package io.lorastream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lorastream.model.loss.GradientCheck.Input;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipleNegativesRankingLossTest {

  // a1 = (1, 0), a2 = (0, 1); p1 = (0.6, 0.8), p2 = (0.8, 0.6):
  // cos(a_i, p_j) = [[0.6, 0.8], [0.8, 0.6]].
  private static final double[] ANCHORS = {1, 0, 0, 1};
  private static final double[] POSITIVES = {0.6, 0.8, 0.8, 0.6};

  @Test
  void inBatchNegativesGiveTheHandComputedCrossEntropy() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch = PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, POSITIVES));
      // Scores at scale 20: [[12, 16], [16, 12]]. Each row: logsumexp - own score
      // = log(e^12 + e^16) - 12 = log(1 + e^4) = 4.0181499279178094, and so is the mean.
      double loss = MultipleNegativesRankingLoss.computeLoss(batch, 20).getDouble();
      assertThat(loss).isCloseTo(4.0181499279178094, within(1e-12));
      // Scale 1: log(1 + e^0.2) = 0.7981388693815917.
      assertThat(MultipleNegativesRankingLoss.computeLoss(batch, 1).getDouble())
          .isCloseTo(0.7981388693815917, within(1e-12));
    }
  }

  @Test
  void hardNegativesJoinEveryAnchorsCandidates() {
    try (NDManager m = NDManager.newBaseManager()) {
      // n = (0.8, -0.6), a hard negative of a1: cos(a1, n) = 0.8, cos(a2, n) = -0.6.
      PairEmbeddings batch =
          PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, POSITIVES))
              .withNegatives(m.create(new double[] {0.8, -0.6}, new Shape(1, 2)), 0);
      // Row 1 scores [12, 16, 16]: log(e^12 + 2 e^16) - 12 = log(1 + 2 e^4) = 4.702263321439095.
      // Row 2 scores [16, 12, -12] (a2 sees a1's negative too):
      //   log(e^4 + 1 + e^-24) = 4.018149927918489.
      // Mean 4.360206624678792.
      assertThat(Losses.create(LossConfig.DEFAULT).compute(batch).getDouble())
          .isCloseTo(4.360206624678792, within(1e-12));
      // Weights (1, 3): (4.702263321439095 + 3 * 4.018149927918489) / 4 = 4.18917827629864.
      assertThat(MultipleNegativesRankingLoss.computeLoss(batch.withWeights(1, 3), 20).getDouble())
          .isCloseTo(4.18917827629864, within(1e-12));
    }
  }

  @Test
  void candidatesKnownRelevantLeaveTheAnchorsSoftmax() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch =
          PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, POSITIVES))
              .withNegatives(m.create(new double[] {0.8, -0.6}, new Shape(1, 2)), 0);
      // Candidates [p1, p2, n]. Masking p2 for a1 (row 0 = [12, -, 16]): log(e^12 + e^16) - 12 =
      // log(1 + e^4)
      // = 4.0181499279178094; row 1 is unchanged, 4.018149927918489. Mean 4.018149927918149.
      PairEmbeddings masked = batch.withNotNegative(false, true, false, false, false, false);
      assertThat(MultipleNegativesRankingLoss.computeLoss(masked, 20).getDouble())
          .isCloseTo(4.018149927918149, within(1e-12));
      // In-batch only, p1 masked for a2: row 1 keeps only its own positive, -log 1 = 0; mean
      // (4.0181... + 0) / 2.
      PairEmbeddings inBatch =
          PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, POSITIVES))
              .withNotNegative(false, false, true, false);
      assertThat(MultipleNegativesRankingLoss.computeLoss(inBatch, 20).getDouble())
          .isCloseTo(2.0090749639589047, within(1e-12));
    }
  }

  @Test
  void anAnchorsOwnPositiveCannotBeMasked() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch = PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, POSITIVES));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> batch.withNotNegative(true, false, false, false))
          .hasMessageContaining("own positive");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> batch.withNotNegative(false, true))
          .hasMessageContaining("[2, 2]");
    }
  }

  @Test
  void aSinglePairWithoutNegativesCostsNothingRatherThanNaN() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings one =
          PairEmbeddings.of(
              m.create(new double[] {1, 0}, new Shape(1, 2)),
              m.create(new double[] {0, 1}, new Shape(1, 2)));
      // One candidate: softmax = 1, -log 1 = 0.
      assertThat(MultipleNegativesRankingLoss.computeLoss(one, 20).getDouble()).isEqualTo(0.0);
    }
  }

  @Test
  void gradientMatchesCentralDifferencesWithAndWithoutHardNegatives() {
    Random random = new Random(7);
    List<Input> inputs =
        List.of(
            GradientCheck.unitRows(random, 3, 4),
            GradientCheck.unitRows(random, 3, 4),
            GradientCheck.unitRows(random, 4, 4));
    // Scale 5 keeps the softmax away from saturation so every entry of the gradient matters.
    GradientCheck.assertGradientMatches(
        inputs,
        x ->
            MultipleNegativesRankingLoss.computeLoss(
                PairEmbeddings.of(x.get(0), x.get(1))
                    .withNegatives(x.get(2), 0, 0, 2, 1)
                    .withWeights(1f, 0.5f, 2f),
                5),
        1e-6);
    GradientCheck.assertGradientMatches(
        inputs.subList(0, 2),
        x -> MultipleNegativesRankingLoss.computeLoss(PairEmbeddings.of(x.get(0), x.get(1)), 20),
        1e-6);
    boolean[] mask = new boolean[3 * 7];
    mask[1] = true; // anchor 0, candidate 1
    mask[7 + 4] = true; // anchor 1, a hard negative
    GradientCheck.assertGradientMatches(
        inputs,
        x ->
            MultipleNegativesRankingLoss.computeLoss(
                PairEmbeddings.of(x.get(0), x.get(1))
                    .withNegatives(x.get(2), 0, 0, 2, 1)
                    .withNotNegative(mask),
                5),
        1e-6);
  }

  @Test
  void float16EmbeddingsAreScoredInFloat32AndStillReceiveGradients() {
    // DJL's toType between dtypes drops the autograd graph; the loss widens float16 by promotion.
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray anchors = matrix(m, ANCHORS).toType(DataType.FLOAT16, false);
      NDArray positives = matrix(m, POSITIVES).toType(DataType.FLOAT16, false);
      anchors.setRequiresGradient(true);
      NDArray loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        loss = MultipleNegativesRankingLoss.computeLoss(PairEmbeddings.of(anchors, positives), 20);
        collector.backward(loss);
      }
      assertThat(loss.getDataType()).isEqualTo(DataType.FLOAT32);
      // 0.6 and 0.8 are not exact in float16 (0.6001, 0.7998): cosines move by ~2e-4, scores by
      // ~5e-3.
      assertThat((double) loss.getFloat()).isCloseTo(4.0181499279178094, within(1e-2));
      // d loss / d a1 = 20 * sum_j (softmax_1j - [j = 1]) * p_j (the normalisation's projection
      // removes the part along a1): softmax row 1 = (s, 1 - s), s = 1 / (1 + e^4) = 0.017986.
      // 20 * ((s - 1) p1 + (1 - s) p2) = 20 (1 - s) (p2 - p1) = 19.64 * (0.2, -0.2) = (3.928,
      // -3.928);
      // projected orthogonally to a1 = (1, 0): (0, -3.928); halved by the mean over 2 anchors.
      float[] grad = anchors.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
      assertThat((double) grad[0]).isCloseTo(0.0, within(1e-2));
      assertThat((double) grad[1]).isCloseTo(-1.964, within(1e-2));
    }
  }

  static NDArray matrix(NDManager m, double[] values) {
    return m.create(values, new Shape(values.length / 2, 2));
  }
}
