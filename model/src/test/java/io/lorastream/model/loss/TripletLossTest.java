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

class TripletLossTest {

  // a1 = (1, 0)   p1 = (0.6, 0.8)    hard negatives of a1: n1 = (0, 1), n2 = (0.96, 0.28)
  // a2 = (0, 1)   p2 = (0.8, 0.6)    no hard negatives
  // a3 = (-1, 0)  p3 = (-0.8, 0.6)   no hard negatives
  private static final double[] ANCHORS = {1, 0, 0, 1, -1, 0};
  private static final double[] POSITIVES = {0.6, 0.8, 0.8, 0.6, -0.8, 0.6};
  private static final double[] NEGATIVES = {0, 1, 0.96, 0.28};

  @Test
  void cosineTripletsUseHardNegativesAndTheHardestInBatchPositiveOtherwise() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch =
          PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, POSITIVES))
              .withNegatives(matrix(m, NEGATIVES), 0, 0);
      // Cosine distance d = 1 - cos, margin 0.5:
      //  (a1, p1, n1): d+ = 1 - 0.6 = 0.4, d- = 1 - 0 = 1      -> relu(0.4 - 1 + 0.5) = 0
      //  (a1, p1, n2): d+ = 0.4, d- = 1 - 0.96 = 0.04          -> relu(0.4 - 0.04 + 0.5) = 0.86
      //  a2 has none: d(a2, p1) = 1 - 0.8 = 0.2, d(a2, p3) = 1 - 0.6 = 0.4, hardest p1
      //      d+ = 1 - 0.6 = 0.4                                 -> relu(0.4 - 0.2 + 0.5) = 0.7
      //  a3 has none: d(a3, p1) = 1.6, d(a3, p2) = 1.8, hardest p1
      //      d+ = 1 - 0.8 = 0.2                                 -> relu(0.2 - 1.6 + 0.5) = 0
      // Mean over 4 triplets: (0 + 0.86 + 0.7 + 0) / 4 = 0.39.
      assertThat(TripletLoss.computeLoss(batch, TripletDistance.COSINE, 0.5).getDouble())
          .isCloseTo(0.39, within(1e-12));
      // Weights (1, 2, 1) per pair; a1's two triplets both weigh 1: (0.86 + 2 * 0.7) / 5 = 0.452.
      assertThat(
              TripletLoss.computeLoss(batch.withWeights(1, 2, 1), TripletDistance.COSINE, 0.5)
                  .getDouble())
          .isCloseTo(0.452, within(1e-12));
    }
  }

  @Test
  void euclideanTripletsWithTheSentenceTransformersMarginOfFive() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Two pairs: a1 with hard negative n1 = (0, 1); a2 without, so p1 is its in-batch negative.
      PairEmbeddings batch =
          PairEmbeddings.of(
                  matrix(m, new double[] {1, 0, 0, 1}),
                  matrix(m, new double[] {0.6, 0.8, 0.8, 0.6}))
              .withNegatives(matrix(m, new double[] {0, 1}), 0);
      // (a1, p1, n1): ||(0.4, -0.8)|| = sqrt(0.8) = 0.894427, ||(1, -1)|| = sqrt(2) = 1.414214
      //   -> 0.894427 - 1.414214 + 5 = 4.480213628626821
      // (a2, p2, p1): ||(-0.8, 0.4)|| = sqrt(0.8), ||(-0.6, 0.2)|| = sqrt(0.4) = 0.632456
      //   -> 0.894427 - 0.632456 + 5 = 5.26197165896624
      // Mean 4.87109264379653. torch's pairwise_distance adds 1e-6 to each difference: ~1e-6 off.
      LossConfig triplet = LossConfig.of("triplet");
      assertThat(triplet.tripletDistance()).isEqualTo(TripletDistance.EUCLIDEAN);
      assertThat(triplet.tripletMargin()).isEqualTo(5.0);
      assertThat(Losses.create(triplet).compute(batch).getDouble())
          .isCloseTo(4.87109264379653, within(1e-5));
    }
  }

  @Test
  void aSinglePairWithoutHardNegativesIsRefusedNotNaN() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings one =
          PairEmbeddings.of(matrix(m, new double[] {1, 0}), matrix(m, new double[] {0.6, 0.8}));
      assertThatThrownBy(() -> TripletLoss.computeLoss(one, TripletDistance.COSINE, 0.5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("batch of one pair without hard negatives")
          .hasMessageContaining("at least 2 pairs");
      // With a hard negative the single pair is fine: d+ = 0.4, d- = 1 - 0 = 1 -> relu(-0.1) = 0.
      assertThat(
              TripletLoss.computeLoss(
                      one.withNegatives(matrix(m, new double[] {0, 1}), 0),
                      TripletDistance.COSINE,
                      0.5)
                  .getDouble())
          .isEqualTo(0.0);
    }
  }

  @Test
  void aBatchWithoutAnyHardNegativesFallsBackToInBatchNegatives() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch = PairEmbeddings.of(matrix(m, ANCHORS), matrix(m, POSITIVES));
      // Triplets as above for a2 (0.7) and a3 (0); a1: d(a1, p2) = 0.2, d(a1, p3) = 1.8, hardest p2
      //   -> relu(0.4 - 0.2 + 0.5) = 0.7. Mean (0.7 + 0.7 + 0) / 3.
      assertThat(TripletLoss.computeLoss(batch, TripletDistance.COSINE, 0.5).getDouble())
          .isCloseTo(1.4 / 3, within(1e-12));
    }
  }

  @Test
  void gradientMatchesCentralDifferencesForBothDistances() {
    Random random = new Random(11);
    List<Input> inputs =
        List.of(
            GradientCheck.unitRows(random, 3, 4),
            GradientCheck.unitRows(random, 3, 4),
            GradientCheck.unitRows(random, 2, 4));
    // Margins large enough that every hinge is active (a hinge exactly at 0 has no derivative);
    // anchor 2 has no hard negative, so the in-batch path is differentiated too.
    for (TripletDistance distance : TripletDistance.values()) {
      double margin = distance == TripletDistance.COSINE ? 2.5 : 5;
      GradientCheck.assertGradientMatches(
          inputs,
          x ->
              TripletLoss.computeLoss(
                  PairEmbeddings.of(x.get(0), x.get(1))
                      .withNegatives(x.get(2), 0, 1)
                      .withWeights(1f, 2f, 0.5f),
                  distance,
                  margin),
          1e-6);
    }
  }
}
