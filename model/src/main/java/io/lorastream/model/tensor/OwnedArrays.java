package io.lorastream.model.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Host values as tensors whose memory PyTorch owns. On the CPU, DJL's {@code
 * NDManager.create(float[] ...)} wraps a direct Java buffer ({@code torch::from_blob}) that stays
 * allocated only while DJL's Java object for that array keeps a reference to it; any tensor still
 * using the memory afterwards reads whatever the allocator puts there next. A trainer that kept
 * such arrays (LoRA factors, restored optimizer moments, token ids, document embeddings) was seen
 * to diverge between identical runs and to produce NaN losses once garbage collections ran. A copy
 * made here lives in PyTorch's own (64-byte aligned) storage and needs nothing on the Java side.
 */
public final class OwnedArrays {

  private OwnedArrays() {}

  public static NDArray of(NDManager manager, float[] values, Shape shape) {
    return own(manager.create(values, shape));
  }

  public static NDArray of(NDManager manager, long[] values, Shape shape) {
    return own(manager.create(values, shape));
  }

  /**
   * A 0-dim constant with {@code like}'s data type and device. Use it instead of DJL's {@code
   * mul(Number)}, {@code div(Number)}, {@code maximum(Number)}: those wrap the number in a host
   * buffer and close it at once, but autograd keeps the scalar for the backward pass (d(x * s)/dx =
   * s), which then reads freed memory.
   */
  public static NDArray scalar(NDArray like, float value) {
    NDArray created = of(like.getManager(), new float[] {value}, new Shape());
    NDArray typed = created.toType(like.getDataType(), false);
    if (typed != created) {
      created.close();
    }
    NDArray placed = typed.toDevice(like.getDevice(), false);
    if (placed != typed) {
      typed.close();
    }
    return placed;
  }

  private static NDArray own(NDArray wrapped) {
    try {
      return wrapped.duplicate(); // torch clone: PyTorch-allocated storage
    } finally {
      wrapped.close();
    }
  }
}
