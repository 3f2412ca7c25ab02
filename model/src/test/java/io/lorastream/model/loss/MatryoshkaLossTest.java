package io.lorastream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorastream.model.loss.GradientCheck.Input;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MatryoshkaLossTest {

  @Test
  void sumsTheInnerLossOverRenormalisedTruncations() {
    try (NDManager m = NDManager.newBaseManager()) {
      // a = (0.6, 0, 0.8, 0), p = (0, 0.6, 0.8, 0), label 1, inner loss cosine (MSE).
      PairEmbeddings batch =
          PairEmbeddings.of(
                  m.create(new double[] {0.6, 0, 0.8, 0}, new Shape(1, 4)),
                  m.create(new double[] {0, 0.6, 0.8, 0}, new Shape(1, 4)))
              .withLabels(1);
      // Width 4: cos = 0.64 -> (1 - 0.64)^2 = 0.1296.
      // Width 2: (0.6, 0) -> (1, 0) and (0, 0.6) -> (0, 1) after re-normalising: cos 0 -> 1.
      // Weights (1, 0.5): 0.1296 + 0.5 * 1 = 0.6296.
      LossConfig config =
          LossConfig.matryoshka(LossConfig.of("cosine"), List.of(4, 2), List.of(1.0, 0.5));
      EmbeddingLoss loss = Losses.create(config, 4);
      assertThat(loss).isInstanceOf(MatryoshkaLoss.class);
      assertThat(loss.compute(batch).getDouble()).isCloseTo(0.6296, within(1e-12));
      // The truncated view is unit length again (MNRL's scores depend on that through the scale).
      PairEmbeddings two = batch.truncated(2);
      assertThat(two.anchors().toDoubleArray()).containsExactly(1.0, 0.0);
      assertThat(two.positives().toDoubleArray()).containsExactly(0.0, 1.0);
    }
  }

  @Test
  void widthsAboveTheEmbeddingWidthAreRejected() {
    LossConfig defaults = LossConfig.of("matryoshka"); // 384/256/128/64 around MNRL
    assertThat(defaults.matryoshkaDims()).containsExactly(384, 256, 128, 64);
    assertThat(defaults.matryoshkaWeights()).containsExactly(1.0, 1.0, 1.0, 1.0);
    assertThat(defaults.matryoshkaInner()).isEqualTo(LossKind.MNRL);
    assertThatThrownBy(() -> Losses.create(defaults, 256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("matryoshka dim 384 exceeds the model's embedding width 256");
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings narrow =
          PairEmbeddings.of(m.randomNormal(new Shape(2, 8)), m.randomNormal(new Shape(2, 8)));
      assertThatThrownBy(() -> Losses.create(defaults).compute(narrow))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exceeds the model's embedding width 8");
    }
  }

  @Test
  void gradientMatchesCentralDifferencesAroundMnrlAndTriplet() {
    Random random = new Random(19);
    List<Input> inputs =
        List.of(
            GradientCheck.unitRows(random, 3, 6),
            GradientCheck.unitRows(random, 3, 6),
            GradientCheck.unitRows(random, 2, 6));
    LossConfig mnrl =
        LossConfig.matryoshka(
            LossConfig.of("mnrl").withScale(5), List.of(6, 4, 2), List.of(1.0, 0.5, 0.25));
    EmbeddingLoss loss = Losses.create(mnrl, 6);
    GradientCheck.assertGradientMatches(
        inputs,
        x -> loss.compute(PairEmbeddings.of(x.get(0), x.get(1)).withNegatives(x.get(2), 1, 2)),
        1e-6);
    EmbeddingLoss triplet =
        Losses.create(
            LossConfig.matryoshka(
                LossConfig.of("triplet").withTriplet(TripletDistance.COSINE, 2.5),
                List.of(6, 3),
                null),
            6);
    GradientCheck.assertGradientMatches(
        inputs,
        x -> triplet.compute(PairEmbeddings.of(x.get(0), x.get(1)).withNegatives(x.get(2), 1, 2)),
        1e-6);
  }
}
