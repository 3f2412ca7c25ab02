package io.lorastream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LossConfigTest {

  @Test
  void everyConfigNameBuildsItsLoss() {
    assertThat(Losses.create(LossConfig.of("mnrl")))
        .isInstanceOf(MultipleNegativesRankingLoss.class);
    assertThat(Losses.create(LossConfig.of("Triplet"))).isInstanceOf(TripletLoss.class);
    assertThat(Losses.create(LossConfig.of("contrastive"))).isInstanceOf(ContrastiveLoss.class);
    assertThat(Losses.create(LossConfig.of("cosine"))).isInstanceOf(CosineSimilarityLoss.class);
    EmbeddingLoss matryoshka = Losses.create(LossConfig.of("matryoshka"), 384);
    assertThat(matryoshka).isInstanceOf(MatryoshkaLoss.class);
    assertThat(((MatryoshkaLoss) matryoshka).inner())
        .isInstanceOf(MultipleNegativesRankingLoss.class);
  }

  @Test
  void defaultsFollowSentenceTransformers() {
    assertThat(LossConfig.DEFAULT.kind()).isEqualTo(LossKind.MNRL);
    assertThat(LossConfig.DEFAULT.scale()).isEqualTo(20.0);
    assertThat(LossConfig.DEFAULT.contrastiveMargin()).isEqualTo(0.5);
    assertThat(LossConfig.DEFAULT.withTripletDistance(TripletDistance.COSINE).tripletMargin())
        .isEqualTo(0.5);
    assertThat(LossConfig.of("contrastive").needsLabels()).isTrue();
    assertThat(LossConfig.matryoshka(LossConfig.of("cosine"), List.of(8), null).needsLabels())
        .isTrue();
    assertThat(LossConfig.of("triplet").needsLabels()).isFalse();
  }

  @Test
  void invalidConfigsNameTheFieldAndTheRule() {
    assertThatThrownBy(() -> LossConfig.of("infonce"))
        .hasMessage(
            "unknown loss 'infonce': expected one of mnrl, triplet, contrastive, cosine,"
                + " matryoshka");
    assertThatThrownBy(() -> LossConfig.DEFAULT.withScale(0))
        .hasMessageContaining("MNRL scale must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> LossConfig.DEFAULT.withTriplet(TripletDistance.COSINE, -1))
        .hasMessageContaining("triplet margin must be a finite number >= 0, got -1.0");
    assertThatThrownBy(() -> LossConfig.DEFAULT.withContrastiveMargin(Double.NaN))
        .hasMessageContaining("contrastive margin");
    assertThatThrownBy(() -> LossConfig.matryoshka(LossConfig.DEFAULT, List.of(64, 64), null))
        .hasMessageContaining("matryoshka dims must be distinct, got 64 twice");
    assertThatThrownBy(() -> LossConfig.matryoshka(LossConfig.DEFAULT, List.of(64, 0), null))
        .hasMessageContaining("matryoshka dims must be >= 1, got 0");
    assertThatThrownBy(
            () -> LossConfig.matryoshka(LossConfig.DEFAULT, List.of(64, 32), List.of(1.0)))
        .hasMessageContaining("one weight per dim");
    assertThatThrownBy(() -> LossConfig.matryoshka(LossConfig.of("matryoshka"), List.of(64), null))
        .hasMessageContaining("cannot wrap another matryoshka");
    assertThatThrownBy(
            () ->
                new LossConfig(
                    LossKind.MNRL,
                    LossKind.COSINE,
                    20,
                    TripletDistance.COSINE,
                    0.5,
                    0.5,
                    List.of(64),
                    null))
        .hasMessageContaining("matryoshkaInner = cosine is set but the loss is mnrl");
    assertThatThrownBy(() -> TripletDistance.parse("manhattan"))
        .hasMessageContaining("expected 'cosine' or 'euclidean'");
  }
}
