package io.lorastream.model.train;

import io.lorastream.model.encoder.EncoderConfig;

/**
 * Floating-point operations of one encoder pass, counted from matrix shapes (a multiply-add is 2).
 *
 * <p>Per layer and text of L tokens: the six linears cost 2 L (4 H^2 + 2 H F); attention scores and
 * the weighted sum cost 2 * 2 L^2 H. The encoder packs texts without padding, so only real tokens
 * count (counting the padded length would credit work never done). With the base frozen, the
 * backward pass computes input gradients only: once more the linears (dX = dY W) and twice the
 * attention products (both operands of each product need a gradient). LoRA's own products (r << H)
 * are left out, so the count is slightly low; element-wise work (GELU, LayerNorm, softmax) is not
 * counted, as usual.
 */
public final class TrainingFlops {

  private TrainingFlops() {}

  /**
   * @param lengths real tokens of each text in the pass
   * @param backward whether a backward pass follows
   */
  public static double tower(EncoderConfig c, int[] lengths, boolean backward) {
    double h = c.hiddenSize();
    double f = c.intermediateSize();
    double total = 0;
    for (int length : lengths) {
      double t = length;
      double linears = 2 * t * (4 * h * h + 2 * h * f);
      double attention = 2 * 2 * t * t * h;
      double forward = linears + attention;
      total += backward ? forward + linears + 2 * attention : forward;
    }
    return total * c.numLayers();
  }
}
