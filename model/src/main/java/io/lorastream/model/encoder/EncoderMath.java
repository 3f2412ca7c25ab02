package io.lorastream.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * The pure tensor functions of a BERT encoder, apart from weights and plumbing.
 *
 * <p>Dimension letters: B = batch, T = tokens (padded), H = hidden size, N = heads, S = H / N,
 * F = FFN inner size.
 */
public final class EncoderMath {

  private EncoderMath() {}

  /** x W^T + b. x [..., in], w [out, in], b [out] -> [..., out]. */
  public static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return Linear.linear(x, w, b).singletonOrThrow();
  }

  /** LayerNorm over the last axis. x [..., H]. */
  public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
    return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, eps).singletonOrThrow();
  }

  /** BERT's exact (erf) GELU. */
  public static NDArray gelu(NDArray x) {
    return Activation.gelu(x);
  }

  /**
   * Additive attention bias from the padding mask: 0 where a key is a real token, -10000 where it
   * is padding (exp(-10000) is 0 in both fp32 and fp16, unlike -inf it never makes NaN rows).
   *
   * @param mask [B, T], 1 for real tokens
   * @return [B, 1, 1, T] in {@code dtype}
   */
  public static NDArray attentionBias(NDArray mask, DataType dtype) {
    Shape s = mask.getShape();
    return mask.sub(1f).mul(10000f).reshape(s.get(0), 1, 1, s.get(1)).toType(dtype, false);
  }

  /**
   * Scaled dot-product attention over N heads.
   *
   * @param q [B, T, H] projected queries
   * @param k [B, T, H] projected keys
   * @param v [B, T, H] projected values
   * @param bias [B, 1, 1, T] additive mask
   * @return [B, T, H] attention output before the output projection
   */
  public static NDArray multiHeadAttention(NDArray q, NDArray k, NDArray v, NDArray bias, int heads) {
    Shape shape = q.getShape();
    long b = shape.get(0);
    long t = shape.get(1);
    long h = shape.get(2);
    long s = h / heads;
    NDArray qh = q.mul((float) (1.0 / Math.sqrt(s))).reshape(b, t, heads, s).transpose(0, 2, 1, 3); // [B, N, T, S]
    NDArray kh = k.reshape(b, t, heads, s).transpose(0, 2, 3, 1); // [B, N, S, T]
    NDArray vh = v.reshape(b, t, heads, s).transpose(0, 2, 1, 3); // [B, N, T, S]
    NDArray scores = qh.matMul(kh).add(bias); // [B, N, T, T]
    NDArray probs = scores.softmax(-1); // [B, N, T, T]
    return probs.matMul(vh).transpose(0, 2, 1, 3).reshape(b, t, h); // [B, T, H]
  }

  /**
   * Mean over real tokens, then L2 normalisation (sentence-transformers' mean pooling + Normalize).
   *
   * @param hidden [B, T, H] last hidden states
   * @param mask [B, T] 1 for real tokens
   * @return [B, H] unit vectors, float32
   */
  public static NDArray meanPoolNormalize(NDArray hidden, NDArray mask) {
    NDArray h32 = widenToFloat32(hidden);
    NDArray m = mask.expandDims(-1); // [B, T, 1]
    NDArray summed = h32.mul(m).sum(new int[] {1}); // [B, H]
    NDArray counts = m.sum(new int[] {1}).maximum(1e-9f); // [B, 1]
    NDArray mean = summed.div(counts); // [B, H]
    return normalize(mean);
  }

  /**
   * x as float32 without cutting the autograd graph: {@code toType} between dtypes drops the graph in
   * this DJL version, while type promotion (adding a float32 zero) keeps it.
   */
  public static NDArray widenToFloat32(NDArray x) {
    if (x.getDataType() == DataType.FLOAT32) {
      return x;
    }
    return x.add(x.getManager().zeros(new Shape(1), DataType.FLOAT32, x.getDevice()));
  }

  /** Rows scaled to unit L2 norm (norm floored at 1e-12 like torch.nn.functional.normalize). x [B, D]. */
  public static NDArray normalize(NDArray x) {
    NDArray norm = x.square().sum(new int[] {-1}, true).sqrt().maximum(1e-12f); // [B, 1]
    return x.div(norm);
  }
}
