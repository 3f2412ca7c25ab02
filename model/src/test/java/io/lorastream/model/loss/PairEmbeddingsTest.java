package io.lorastream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PairEmbeddingsTest {

  @Test
  void badBatchesAreRefusedWithTheFieldAndTheRule() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.ones(new Shape(2, 3));
      NDArray p = m.ones(new Shape(2, 3));
      assertThatThrownBy(() -> PairEmbeddings.of(a, m.ones(new Shape(3, 3))))
          .hasMessageContaining("positives must have the anchors' shape (2, 3)");
      assertThatThrownBy(() -> PairEmbeddings.of(m.ones(new Shape(0, 3)), m.ones(new Shape(0, 3))))
          .hasMessageContaining("B >= 1");
      assertThatThrownBy(() -> PairEmbeddings.of(a, p).withNegatives(m.ones(new Shape(1, 4)), 0))
          .hasMessageContaining("negatives must be [M, D] with the anchors' D = 3");
      assertThatThrownBy(() -> PairEmbeddings.of(a, p).withNegatives(m.ones(new Shape(2, 3)), 0))
          .hasMessageContaining("each of the 2 hard negatives, got 1 owners");
      assertThatThrownBy(() -> PairEmbeddings.of(a, p).withNegatives(m.ones(new Shape(1, 3)), 2))
          .hasMessageContaining("negativeOwner[0] = 2 is not an anchor index in 0..1");
      assertThatThrownBy(() -> PairEmbeddings.of(a, p).withLabels(1))
          .hasMessageContaining("labels must have one value per pair (B = 2), got 1");
      assertThatThrownBy(() -> PairEmbeddings.of(a, p).withLabels(1, 3))
          .hasMessageContaining("labels[1] = 3.0 is outside [0, 1]");
      assertThatThrownBy(() -> PairEmbeddings.of(a, p).withWeights(0, 0))
          .hasMessageContaining("weights must not all be 0");
      assertThatThrownBy(() -> PairEmbeddings.of(a, p).withWeights(1, -1))
          .hasMessageContaining("weights[1] = -1.0 must be a finite number >= 0");
      assertThatThrownBy(() -> PairEmbeddings.of(a, p.toType(DataType.FLOAT64, false)))
          .hasMessageContaining("positives must have the anchors' data type float32");
      assertThatThrownBy(() -> PairEmbeddings.of(a.toType(DataType.INT32, false), p))
          .hasMessageContaining("anchors must be float16, float32 or float64");
    }
  }

  @Test
  void anEmptyNegativesMatrixMeansNoHardNegatives() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairEmbeddings batch =
          PairEmbeddings.of(m.ones(new Shape(2, 3)), m.ones(new Shape(2, 3)))
              .withNegatives(m.zeros(new Shape(0, 3)));
      assertThat(batch.negativeCount()).isZero();
      assertThat(batch.negatives()).isNull();
      assertThat(batch.negativesPerAnchor()).containsExactly(0, 0);
    }
  }

  @Test
  void theRecordKeepsItsOwnCopiesOfHostArrays() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] labels = {1, 0};
      PairEmbeddings batch =
          PairEmbeddings.of(m.ones(new Shape(2, 3)), m.ones(new Shape(2, 3))).withLabels(labels);
      labels[0] = 0.5f;
      batch.labels()[1] = 0.5f;
      assertThat(batch.labels()).containsExactly(1f, 0f);
    }
  }
}
