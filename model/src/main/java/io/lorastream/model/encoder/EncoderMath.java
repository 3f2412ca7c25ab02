package io.lorastream.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import io.lorastream.model.tensor.OwnedArrays;

/**
 * The pure tensor functions of a BERT encoder, apart from weights and plumbing.
 *
 * <p>Dimension letters: B = texts, M = tokens of all texts packed together (no padding), L = tokens
 * of one text, H = hidden size, N = heads, S = H / N, F = FFN inner size.
 */
public final class EncoderMath {

  /**
   * Texts whose attention is computed together keep their [C, N, L, L] scores under this size, so
   * the softmax and the weighted sum find them in cache: 4 MiB measured fastest on this machine's 2
   * MiB L2 / 32 MiB L3 against 1 MiB (JNI calls per text start to count), 16 MiB and unbounded (the
   * scores of 32 texts of 256 tokens are 100 MB and go to memory and back three times).
   */
  static final long ATTENTION_RUN_BYTES = 4L << 20;

  private EncoderMath() {}

  /** x W^T + b. x [..., in], w [out, in], b [out] -> [..., out]; on 2-D x one addmm. */
  public static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return Linear.linear(x, w, b).singletonOrThrow();
  }

  /** LayerNorm over the last axis. x [..., H]. */
  public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
    return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, eps)
        .singletonOrThrow();
  }

  /** BERT's exact (erf) GELU. */
  public static NDArray gelu(NDArray x) {
    return Activation.gelu(x);
  }

  /**
   * The unfused reference of {@link FusedAttention}, which the encoder runs to serve; training runs
   * this one, whose backward was faster here than the fused kernel's. Scaled dot-product attention
   * over N heads for packed texts, without a mask: each text attends only to its own tokens. Runs
   * of adjacent texts of equal length (texts sorted by length, or all cut at the max length) share
   * one batched product, up to {@link #ATTENTION_RUN_BYTES} of scores.
   *
   * @param q [M, H] projected queries, already scaled by 1/sqrt(S)
   * @param k [M, H] projected keys
   * @param v [M, H] projected values
   * @param lengths tokens per text, summing to M
   * @return [M, H] attention output before the output projection
   */
  public static NDArray packedAttention(NDArray q, NDArray k, NDArray v, int[] lengths, int heads) {
    long h = q.getShape().get(1);
    long s = h / heads;
    NDList runs = new NDList();
    int row = 0;
    for (int i = 0; i < lengths.length; ) {
      int len = lengths[i];
      int j = i;
      while (j < lengths.length && lengths[j] == len) {
        j++;
      }
      long perText = (long) heads * len * len * Float.BYTES;
      j = (int) Math.min(j, i + Math.max(1, ATTENTION_RUN_BYTES / perText));
      long c = j - i;
      NDIndex rows = new NDIndex("{}:{}", row, row + c * len);
      NDArray qh = q.get(rows).reshape(c, len, heads, s).transpose(0, 2, 1, 3); // [C, N, L, S]
      NDArray kh = k.get(rows).reshape(c, len, heads, s).transpose(0, 2, 3, 1); // [C, N, S, L]
      NDArray vh = v.get(rows).reshape(c, len, heads, s).transpose(0, 2, 1, 3); // [C, N, L, S]
      NDArray context = qh.matMul(kh).softmax(-1).matMul(vh); // [C, N, L, S]
      runs.add(context.transpose(0, 2, 1, 3).reshape(c * len, h)); // [C*L, H]
      row += (int) (c * len);
      i = j;
    }
    return runs.size() == 1 ? runs.singletonOrThrow() : NDArrays.concat(runs, 0); // [M, H]
  }

  /**
   * Mean over each text's tokens, then L2 normalisation (sentence-transformers' mean pooling +
   * Normalize), the mean as one product with the pooling matrix.
   *
   * @param hidden [M, H] last hidden states of packed texts
   * @param pooling [B, M] float32, 1/length on each text's own tokens
   * @return [B, H] unit vectors, float32
   */
  public static NDArray meanPoolNormalize(NDArray hidden, NDArray pooling) {
    return normalize(pooling.matMul(widenToFloat32(hidden))); // [B, H]
  }

  /**
   * x as float32 without cutting the autograd graph: {@code toType} between dtypes drops the graph
   * in this DJL version, while type promotion (adding a float32 zero) keeps it.
   */
  public static NDArray widenToFloat32(NDArray x) {
    if (x.getDataType() == DataType.FLOAT32) {
      return x;
    }
    return x.add(x.getManager().zeros(new Shape(1), DataType.FLOAT32, x.getDevice()));
  }

  /**
   * Rows scaled to unit L2 norm (norm floored at 1e-12 like torch.nn.functional.normalize). x [B,
   * D].
   */
  public static NDArray normalize(NDArray x) {
    NDArray norm = x.square().sum(new int[] {-1}, true).sqrt();
    norm = norm.maximum(OwnedArrays.scalar(norm, 1e-12f)); // [B, 1]
    return x.div(norm);
  }
}
