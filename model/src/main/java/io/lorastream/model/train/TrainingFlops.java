package io.lorastream.model.train;

import io.lorastream.model.encoder.EncoderConfig;

/**
 * Floating-point operations of one encoder pass, counted from matrix shapes (a multiply-add is 2).
 *
 * <p>Per layer and sequence of T tokens: the six linears cost 2 T (4 H^2 + 2 H F); attention
 * scores and the weighted sum cost 2 * 2 T^2 H. With the base frozen, the backward pass computes
 * input gradients only: once more the linears (dX = dY W) and twice the attention products (both
 * operands of each product need a gradient). LoRA's own products (r << H) are left out, so the
 * count is slightly low; element-wise work (GELU, LayerNorm, softmax) is not counted, as usual.
 */
public final class TrainingFlops {

  private TrainingFlops() {}

  /**
   * @param batch sequences in the pass (B)
   * @param paddedLength tokens per sequence including padding (T): padded positions are computed too
   * @param backward whether a backward pass follows
   */
  public static double tower(EncoderConfig c, int batch, int paddedLength, boolean backward) {
    double t = paddedLength;
    double h = c.hiddenSize();
    double f = c.intermediateSize();
    double linears = 2 * t * (4 * h * h + 2 * h * f);
    double attention = 2 * 2 * t * t * h;
    double forward = linears + attention;
    double perLayer = backward ? forward + linears + 2 * attention : forward;
    return perLayer * c.numLayers() * batch;
  }
}
