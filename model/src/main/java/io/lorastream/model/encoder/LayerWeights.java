package io.lorastream.model.encoder;

import ai.djl.ndarray.NDArray;
import io.lorastream.model.lora.LoraTarget;

/**
 * One post-LN transformer layer's weights on the device. Linear weights are [out, in] as {@code
 * torch.nn.Linear} stores them. {@code qkvWeight} [3H, H] and {@code qkvBias} [3H] stack the query
 * (pre-scaled by 1/sqrt(head size)), key and value projections so one matrix multiply computes all
 * three; they are derived from the separate weights by {@link #fuseQkv}.
 */
record LayerWeights(
    NDArray qkvWeight,
    NDArray qkvBias,
    NDArray queryWeight,
    NDArray queryBias,
    NDArray keyWeight,
    NDArray keyBias,
    NDArray valueWeight,
    NDArray valueBias,
    NDArray attentionOutputWeight,
    NDArray attentionOutputBias,
    NDArray attentionNormGamma,
    NDArray attentionNormBeta,
    NDArray ffnInWeight,
    NDArray ffnInBias,
    NDArray ffnOutWeight,
    NDArray ffnOutBias,
    NDArray outputNormGamma,
    NDArray outputNormBeta) {

  /** This layer with {@code qkvWeight}/{@code qkvBias} rebuilt from the separate projections. */
  LayerWeights fuseQkv(float queryScale, ai.djl.ndarray.NDManager owner) {
    NDArray w;
    NDArray b;
    try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
      w =
          ai.djl.ndarray.NDArrays.concat(
              new ai.djl.ndarray.NDList(queryWeight.mul(queryScale), keyWeight, valueWeight),
              0); // [3H, H]
      b =
          ai.djl.ndarray.NDArrays.concat(
              new ai.djl.ndarray.NDList(queryBias.mul(queryScale), keyBias, valueBias), 0); // [3H]
      ai.djl.ndarray.NDScope.unregister(w, b);
    }
    w.attach(owner);
    b.attach(owner);
    return new LayerWeights(
        w,
        b,
        queryWeight,
        queryBias,
        keyWeight,
        keyBias,
        valueWeight,
        valueBias,
        attentionOutputWeight,
        attentionOutputBias,
        attentionNormGamma,
        attentionNormBeta,
        ffnInWeight,
        ffnInBias,
        ffnOutWeight,
        ffnOutBias,
        outputNormGamma,
        outputNormBeta);
  }

  NDArray weight(LoraTarget target) {
    return switch (target) {
      case QUERY -> queryWeight;
      case KEY -> keyWeight;
      case VALUE -> valueWeight;
      case ATTENTION_OUTPUT -> attentionOutputWeight;
      case FFN_IN -> ffnInWeight;
      case FFN_OUT -> ffnOutWeight;
    };
  }

  /**
   * A copy of this layer with one linear weight replaced (used to merge an adapter). Replacing the
   * query, key or value weight leaves the fused projection stale: call {@link #fuseQkv} after.
   */
  LayerWeights withWeight(LoraTarget target, NDArray w) {
    return new LayerWeights(
        qkvWeight,
        qkvBias,
        target == LoraTarget.QUERY ? w : queryWeight,
        queryBias,
        target == LoraTarget.KEY ? w : keyWeight,
        keyBias,
        target == LoraTarget.VALUE ? w : valueWeight,
        valueBias,
        target == LoraTarget.ATTENTION_OUTPUT ? w : attentionOutputWeight,
        attentionOutputBias,
        attentionNormGamma,
        attentionNormBeta,
        target == LoraTarget.FFN_IN ? w : ffnInWeight,
        ffnInBias,
        target == LoraTarget.FFN_OUT ? w : ffnOutWeight,
        ffnOutBias,
        outputNormGamma,
        outputNormBeta);
  }
}
