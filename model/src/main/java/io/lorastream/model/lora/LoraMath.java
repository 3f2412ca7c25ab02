package io.lorastream.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import io.lorastream.model.tensor.OwnedArrays;

/**
 * The LoRA update as pure tensor functions (Hu et al., 2021; PEFT's {@code lora.Linear}).
 *
 * <p>y = x W^T + b + s * dropout(x) A^T B^T, with s = alpha / r (or alpha / sqrt(r) with rsLoRA).
 */
public final class LoraMath {

  private LoraMath() {}

  /**
   * The adapter's contribution to a linear's output.
   *
   * @param x [..., in] the linear's input
   * @param a [r, in]
   * @param b [out, r]
   * @param dropout probability of zeroing an input element (training only)
   * @return [..., out] = s * dropout(x) A^T B^T
   */
  public static NDArray delta(
      NDArray x, NDArray a, NDArray b, float scaling, float dropout, boolean training) {
    NDArray in = training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
    NDArray down = Linear.linear(in, a).singletonOrThrow(); // [..., r]
    NDArray up = Linear.linear(down, b).singletonOrThrow(); // [..., out]
    return up.mul(OwnedArrays.scalar(up, scaling)); // a saved scalar: see OwnedArrays.scalar
  }

  /** delta W = s * B A: [out, r] x [r, in] -> [out, in]. */
  public static NDArray deltaWeight(NDArray a, NDArray b, float scaling) {
    return b.matMul(a).mul(scaling);
  }

  /** W + s B A, a new array; W [out, in] is not modified. */
  public static NDArray merge(NDArray w, NDArray a, NDArray b, float scaling) {
    return w.add(deltaWeight(a, b, scaling).toType(w.getDataType(), false));
  }

  /** W' - s B A: undoes {@link #merge}. */
  public static NDArray unmerge(NDArray merged, NDArray a, NDArray b, float scaling) {
    return merged.sub(deltaWeight(a, b, scaling).toType(merged.getDataType(), false));
  }
}
