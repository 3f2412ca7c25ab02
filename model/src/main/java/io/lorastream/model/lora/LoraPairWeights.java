package io.lorastream.model.lora;

import io.lorastream.model.tensor.FloatTensor;

/**
 * The two factors of one LoRA update, host side: delta W = scaling * B A.
 *
 * @param a A, shape [r, in]
 * @param b B, shape [out, r]
 */
public record LoraPairWeights(FloatTensor a, FloatTensor b) {

  public LoraPairWeights {
    if (a.rank() != 2 || b.rank() != 2 || a.dim(0) != b.dim(1)) {
      throw new IllegalArgumentException(
          "LoRA factors must be A [r, in] and B [out, r] with the same r, got A"
              + a
              + " and B"
              + b);
    }
  }

  public int rank() {
    return a.dim(0);
  }

  public int inFeatures() {
    return a.dim(1);
  }

  public int outFeatures() {
    return b.dim(0);
  }
}
