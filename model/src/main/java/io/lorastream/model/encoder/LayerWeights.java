package io.lorastream.model.encoder;

import ai.djl.ndarray.NDArray;
import io.lorastream.model.lora.LoraTarget;

/**
 * One post-LN transformer layer's weights on the device. Linear weights are [out, in] as
 * {@code torch.nn.Linear} stores them.
 */
record LayerWeights(
    NDArray queryWeight, NDArray queryBias,
    NDArray keyWeight, NDArray keyBias,
    NDArray valueWeight, NDArray valueBias,
    NDArray attentionOutputWeight, NDArray attentionOutputBias,
    NDArray attentionNormGamma, NDArray attentionNormBeta,
    NDArray ffnInWeight, NDArray ffnInBias,
    NDArray ffnOutWeight, NDArray ffnOutBias,
    NDArray outputNormGamma, NDArray outputNormBeta) {

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

  /** A copy of this layer with one linear weight replaced (used to merge an adapter). */
  LayerWeights withWeight(LoraTarget target, NDArray w) {
    return new LayerWeights(
        target == LoraTarget.QUERY ? w : queryWeight, queryBias,
        target == LoraTarget.KEY ? w : keyWeight, keyBias,
        target == LoraTarget.VALUE ? w : valueWeight, valueBias,
        target == LoraTarget.ATTENTION_OUTPUT ? w : attentionOutputWeight, attentionOutputBias,
        attentionNormGamma, attentionNormBeta,
        target == LoraTarget.FFN_IN ? w : ffnInWeight, ffnInBias,
        target == LoraTarget.FFN_OUT ? w : ffnOutWeight, ffnOutBias,
        outputNormGamma, outputNormBeta);
  }
}
