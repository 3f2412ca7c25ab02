package io.lorastream.model.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Tensor-by-number products, quotients and floors that are safe under autograd.
 *
 * <p>DJL's {@code mul(Number)}, {@code div(Number)} and {@code maximum(Number)} wrap the number in a
 * {@code from_blob} tensor over a direct Java buffer and close it as soon as the op returns. Autograd
 * keeps that tensor for the backward pass (the gradient of x * s is g * s), so the backward read
 * memory the garbage collector had freed and reused: training diverged and produced NaN losses at a
 * random step, earlier or later depending on when collections ran and what the allocator put there.
 * Here the number is copied into PyTorch-owned storage first, so autograd's reference keeps it alive;
 * the result is the same tensor op with the same data types.
 */
public final class ScalarOps {

  private ScalarOps() {}

  /** x * s. */
  public static NDArray mul(NDArray x, Number s) {
    try (NDArray scalar = scalar(x.getManager(), s)) {
      return x.mul(scalar);
    }
  }

  /** x / s. */
  public static NDArray div(NDArray x, Number s) {
    try (NDArray scalar = scalar(x.getManager(), s)) {
      return x.div(scalar);
    }
  }

  /** max(x, floor), element-wise. */
  public static NDArray maximum(NDArray x, Number floor) {
    try (NDArray scalar = scalar(x.getManager(), floor)) {
      return x.maximum(scalar);
    }
  }

  /** A 0-dimensional tensor of s's Java type (float32 for a float, float64 for a double) in PyTorch's own storage. */
  static NDArray scalar(NDManager manager, Number s) {
    NDArray wrapped = manager.create(s);
    try {
      return wrapped.duplicate();
    } finally {
      wrapped.close();
    }
  }
}
